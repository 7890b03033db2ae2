"""Deterministic Telegram Desktop exports for the tests, built from templates we wrote.

`channel_export(revision=1)` is a channel of 300 entries (288 messages, 12
service messages): statements in English, Urdu and Pashto, videos with
captions, audio files without text, forwards, replies, author signatures, and
texts given as mixed string/entity lists (hashtags, links, text_links).
`channel_export(revision=2)` is a later export of the same channel: the same
messages, `EDITED` of them edited since (new text, newer edit stamp), and 20
new messages at the end.

`repost_export()` is a second channel that reposts some of the first one's
statements: exact forwards (`EXACT`) and copies with a header and a footer
(`NEAR`).

Run it to write the files: `python tests/telegram_export.py OUT_DIR`.
"""
from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

CHANNEL = {"name": "Azaim Test Channel", "type": "public_channel", "id": 1700000001}
REPOSTS = {"name": "Repost Hub", "type": "public_channel", "id": 1700000002}
ENTRIES = 300
NEW = 20
START = datetime(2024, 1, 1, 6, 0, tzinfo=timezone.utc)

GROUPS = ["ISKP", "Islamic State Khorasan", "the Islamic State Khorasan Province"]
ENEMIES = ["Taliban", "TTP", "Pakistani army", "Haqqani network"]
PLACES = ["Kunar", "Nangarhar", "Bajaur", "Kabul", "Peshawar", "Kunduz", "Khost", "Orakzai", "Mohmand", "Herat",
          "Laghman", "Paktia", "Swat"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
ENGLISH = [
    "{group} fighters ambushed a {enemy} patrol near {place} on {day} {month} and killed {n} of them, the group said.",
    "In a new statement {group} accused the {enemy} of torturing {n} prisoners held in {place} since {month}.",
    "{group} denied any role in the {place} bombing of {day} {month}, which killed {n} worshippers, and blamed the {enemy}.",
    "{group} threatened to strike {enemy} offices across {place} unless {n} detained women are freed before {month} {day}.",
    "Our correspondent in {place} reports that {n} {enemy} members defected to {group} during {month}, bringing weapons.",
    "{group} claimed responsibility for the attack on a {enemy} checkpoint in {place} that left {n} guards dead on {day} {month}.",
]
URDU = [
    "تحریک طالبان پاکستان نے داعش خراسان پر الزام لگایا کہ اس نے {place} میں {n} شہریوں کو {day} تاریخ کو قتل کیا۔",
    "داعش خراسان کے {n} جنگجوؤں نے {place} کے قریب تحریک طالبان پاکستان کی چوکی پر {day} تاریخ کی رات حملہ کیا۔",
]
PASHTO = [
    "د تحریک طالبان پاکستان ویاند وویل چې د داعش خراسان {n} جنګیالي په {place} کې د میاشتې پر {day} نېټه ونیول شول.",
    "داعش خراسان ادعا کوي چې په {place} کې یې د تحریک طالبان پاکستان {n} غړي د میاشتې پر {day} نېټه ووژل.",
]
# ids of messages edited between revision 1 and revision 2, and of the first channel's
# statements the second channel reposts exactly (forwards) or with a header and footer
EDITED = (22, 62, 102, 142, 182, 222, 262)
EXACT = (2, 9, 16)
NEAR = (32, 38, 51)


def _slots(i: int) -> dict[str, Any]:
    return {"group": GROUPS[i % len(GROUPS)], "enemy": ENEMIES[(i // 3) % len(ENEMIES)],
            "place": PLACES[(i * 5) % len(PLACES)], "month": MONTHS[(i * 7) % 12], "day": 1 + (i * 11) % 28,
            "n": 3 + (i * 17) % 91}


def statement(i: int) -> str:
    """The text of message `i`: English, Urdu (i % 15 == 11) or Pashto (i % 15 == 13)."""
    if i % 15 == 11:
        return URDU[(i // 15) % len(URDU)].format(**_slots(i))
    if i % 15 == 13:
        return PASHTO[(i // 15) % len(PASHTO)].format(**_slots(i))
    return ENGLISH[i % len(ENGLISH)].format(**_slots(i))


def _stamp(moment: datetime) -> tuple[str, str]:
    return moment.replace(tzinfo=None).isoformat(), str(int(moment.timestamp()))


def _entities(text: str, i: int) -> list[Any]:
    """The text as Telegram writes formatted text: strings and entity objects."""
    return [{"type": "bold", "text": "Breaking:"}, " ", text, " ", {"type": "hashtag", "text": f"#{PLACES[i % 13]}"},
            " ", {"type": "link", "text": f"https://example.org/s/{i}"}, " ",
            {"type": "text_link", "text": "archive", "href": f"https://example.org/archive?id={i}"}]


def _message(i: int, revision: int) -> dict[str, Any]:
    date, unix = _stamp(START + timedelta(hours=6 * i))
    base = {"id": i, "type": "message", "date": date, "date_unixtime": unix,
            "from": CHANNEL["name"], "from_id": f"channel{CHANNEL['id']}"}
    if i % 25 == 0:
        return {"id": i, "type": "service", "date": date, "date_unixtime": unix, "actor": CHANNEL["name"],
                "actor_id": f"channel{CHANNEL['id']}", "action": "pin_message", "message_id": i - 1, "text": ""}
    text: Any = statement(i)
    if revision >= 2 and i in EDITED:
        text = f"Update: {text} (corrected)"
    if i % 10 == 7:
        text = ""
        base.update({"file": "(File not included. Change data exporting settings to download.)",
                     "media_type": "audio_file", "performer": "Azaim", "title": f"Lessons part {i}",
                     "mime_type": "audio/mpeg", "duration_seconds": 600 + 37 * i})
    elif i % 10 == 3:
        base.update({"file": "(File not included. Change data exporting settings to download.)",
                     "media_type": "video_file", "mime_type": "video/mp4", "duration_seconds": 120 + 11 * i})
    if i % 12 == 5:
        base["forwarded_from"] = "Khurasan Ghag"
    if i % 9 == 4:
        base["reply_to_message_id"] = i - 1
    if i % 4 == 0:
        base["author"] = "Abu Test"
    if text and i % 6 == 1:
        text = _entities(text, i)
    if i % 30 == 2 or (revision >= 2 and i in EDITED):
        later = START + timedelta(hours=6 * i + 1 + (24 * 30 if revision >= 2 and i in EDITED else 0))
        base["edited"], base["edited_unixtime"] = _stamp(later)
    base["text"] = text
    return base


def channel_export(revision: int = 1) -> dict[str, Any]:
    """The first channel's export at `revision` 1 or 2 (see the module docstring)."""
    count = ENTRIES + (NEW if revision >= 2 else 0)
    return {**CHANNEL, "messages": [_message(i, revision) for i in range(1, count + 1)]}


def repost_export() -> dict[str, Any]:
    """The second channel: exact forwards of `EXACT`, headed-and-footed copies of `NEAR`, two own posts."""
    messages = []
    for n, i in enumerate((*EXACT, *NEAR, None, None), start=1):
        date, unix = _stamp(START + timedelta(days=90, hours=n))
        message: dict[str, Any] = {"id": n, "type": "message", "date": date, "date_unixtime": unix,
                                   "from": REPOSTS["name"], "from_id": f"channel{REPOSTS['id']}"}
        if i in EXACT:
            message.update({"forwarded_from": CHANNEL["name"], "text": statement(i)})
        elif i is not None:
            message["text"] = f"Repost Hub: {statement(i)} Subscribe."
        else:
            message["text"] = f"Repost Hub will publish a weekly digest of front-line reports from {PLACES[n]} soon."
        messages.append(message)
    return {**REPOSTS, "messages": messages}


def write(out: Path) -> None:
    """Write result.json (revision 1), result-v2.json and reposts.json into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    for name, data in (("result.json", channel_export(1)), ("result-v2.json", channel_export(2)),
                       ("reposts.json", repost_export())):
        (out / name).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    write(Path(sys.argv[1] if len(sys.argv) > 1 else "."))
