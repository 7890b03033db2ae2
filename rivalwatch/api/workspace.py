"""`Workspace`: the Python API, and the single implementation behind the CLI.

A workspace is one database plus the knowledge base (the built-in actors, with
an optional file of the user's own merged over them). Every method validates its
arguments and raises a `RivalWatchError` subclass with a coded message.

Example:
    ws = Workspace("rivalwatch.db")
    report = ws.ingest(["reports/"], published="2024-12")
    for r in ws.relations(source="ISIS-K", since="2024-01"):
        print(r.source, r.type, r.target, r.evidence.text)
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import json
import re
from collections import deque
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from .params import iso_date as _iso, one_of
from ..analysis.evaluate import Score, score
from ..errors import IngestError, QueryError, RivalWatchError, internal_error_line
from ..export.gold import to_gold
from ..extract import VERSION, extract_documents
from ..ingest import DEFAULT_MAX_BYTES, expand_paths, read_file
from ..ingest.gold import gold_documents
from ..knowledge.load import KnowledgeBase, load_knowledge
from ..models import ACTOR_KINDS, MODALITIES, RELATION_TYPES, Document, Extraction
from ..store import Store, StoredActor, StoredRelation
from .reports import DemoReport, DocumentView, ExtractReport, IngestReport, Progress, ReextractReport
from .records import RecordsMixin  # claims, defections, media, places
from .listings import ListingsMixin  # documents_page, relations_page, relation, search (web API)
from .curation import CurationMixin  # confirm/reject/correct_relation, merge_actors, add_alias, audit
from .tokens import TokensMixin  # create_token, tokens, revoke_token, authenticate
from .watch import FeedsMixin  # ingest_feeds, watch, feeds
from .exports import ExportsMixin  # import_events, export, imported_events
from .telegram import TELEGRAM_VERSION, TelegramMixin  # import_telegram
from .languages import LanguagesMixin, document_extras  # languages
from .ingest_files import ingest_path  # one input: a Telegram export, else read_file
from . import network as _network
from . import briefing as _briefing
from ..analysis import alerts as _alerts, dyads as _dyads  # dyad, alerts

__all__ = ["Workspace", "demo_corpus"]

PathLike = str | Path
EXTRACT_CHUNK = 64  # documents read from the store at a time while extracting
SAVE_BATCH = 16  # extractions saved per transaction


def demo_corpus() -> Path:
    """The bundled demo corpus, `rivalwatch/demo/corpus`."""
    packaged = Path(str(resources.files("rivalwatch") / "demo" / "corpus"))
    if packaged.is_dir():
        return packaged
    raise IngestError(str(packaged), "demo corpus not found: reinstall rivalwatch with its package data")


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)




def _error_line(error: IngestError) -> str:
    """An ingest error as one line: `path: reason [RW200]`."""
    return f"{error.path}: {error.reason} [{error.code}]"


class Workspace(RecordsMixin, FeedsMixin, ExportsMixin, TelegramMixin, LanguagesMixin, ListingsMixin, CurationMixin, TokensMixin):
    """One database and one knowledge base; opens the database on first use.

    `extra_actors`: a YAML file of actors merged over the built-in ones.
    `n_process`: worker processes for extraction (spaCy `nlp.pipe`).
    `batch_size`: documents per `nlp.pipe` batch.
    `cluster`: extract on a Dask cluster instead: `local:N` or a scheduler address (`extract/cluster.py`).
    """

    def __init__(
        self, db_path: PathLike, *, extra_actors: PathLike | None = None, n_process: int = 1, batch_size: int = 16,
        cluster: str | None = None,
    ) -> None:
        self.db_path = db_path
        self.extra_actors = str(extra_actors) if extra_actors else None
        self.n_process = max(1, n_process)
        self.batch_size = max(1, batch_size)
        self.cluster = cluster
        self.version = VERSION
        self._store: Store | None = None
        self._client: Any = None          # the cluster's client, connected on first extraction
        self._cluster_exit = contextlib.ExitStack()

    @property
    def store(self) -> Store:
        """The database, created with its tables on first use."""
        if self._store is None:
            self._store = Store(self.db_path)
        return self._store

    @property
    def knowledge(self) -> KnowledgeBase:
        """The built-in knowledge base with `extra_actors` merged over it."""
        return load_knowledge(self.extra_actors)

    def close(self) -> None:
        """Close the database and leave the cluster (if they were opened)."""
        self._cluster_exit.close()
        self._client = None
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing -----------------------------------------------------------------

    def ingest(
        self, paths: Iterable[PathLike], *, published: str | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES, progress: Progress | None = None,
    ) -> IngestReport:
        """Read files and folders, store new documents, extract them.

        A file that cannot be read becomes one line in `errors` and the rest go
        in. Documents already stored are skipped. The documents added are then
        extracted (with any that no extractor has processed: a killed run's);
        documents an older extractor version processed are only counted
        (`outdated`): `reextract` updates them.

        Example:
            report = ws.ingest(["reports/", "feed.jsonl"], published="2024-12-23")
            report.added, report.relations, report.errors
        """
        default = _iso(published, "published")
        self.knowledge  # fail early on a bad knowledge file, before anything is written
        report = IngestReport()
        files = expand_paths(paths)
        report.files = len(files)
        for done, path in enumerate(files, 1):
            try:
                ingest_path(self, path, report, published=default, max_bytes=max_bytes)
            except RivalWatchError as exc:  # a store error on one file's documents
                report.errors.append(f"{path}: {exc}")
            except Exception as exc:  # noqa: BLE001 -- a bug on one input never stops the batch
                report.errors.append(internal_error_line(exc, str(path)))
            if progress:
                progress(done, len(files), f"read {path.name}")
        report.extracted, report.relations = self._extract_new(progress)
        report.outdated = self.outdated()
        return report

    def reextract(self, *, outdated_only: bool = False, progress: Progress | None = None) -> ReextractReport:
        """Run the current extractor version again on every stored document, replacing its output;
        with `outdated_only`, only on those it has not extracted yet (an interrupted run goes on)."""
        ids = self.store.document_ids(missing_version=self.version if outdated_only else None)
        documents, relations = self._extract_stored(ids, progress)
        return ReextractReport(version=self.version, documents=documents, relations=relations)

    def outdated(self) -> int:
        """Stored documents the current extractor version has not extracted (`reextract` does)."""
        return len(self.store.document_ids(missing_version=self.version))

    def _extract_new(self, progress: Progress | None) -> tuple[int, int]:
        """Extract the stored documents that no extractor version has processed."""
        return self._extract_stored(self.store.document_ids(unextracted=True), progress)

    def _extract_stored(self, ids: Sequence[str], progress: Progress | None) -> tuple[int, int]:
        """Extract stored documents in one `nlp.pipe` stream, saving a batch at a time.

        Documents are read from the store `EXTRACT_CHUNK` at a time as the pipeline
        asks for them, so memory stays bounded and worker processes (`n_process`)
        are started once per run, not once per chunk.
        """
        if not ids:
            return 0, 0
        started, relations, done = _now(), 0, 0
        known = self.knowledge.actors
        in_flight: deque[Document] = deque()  # handed to the pipeline, not yet saved

        def stored() -> Iterator[Document]:
            for i in range(0, len(ids), EXTRACT_CHUNK):
                for document in self.store.documents(ids[i:i + EXTRACT_CHUNK]):
                    in_flight.append(document)
                    yield document

        batch: list[Extraction] = []

        def save() -> None:
            nonlocal done, relations
            self.store.save_extractions(batch, known=known)
            for extraction in batch:
                document = in_flight.popleft()
                assert document.id == extraction.doc_id, "extractions out of order"
                relations += len(extraction.relations)
                done += 1
                if progress:
                    progress(done, len(ids), f"extract {Path(document.source).name}")
            batch.clear()

        for extraction in self._extract(stored()):
            batch.append(extraction)
            if len(batch) >= SAVE_BATCH:
                save()
        if batch:
            save()
        self.store.record_run(version=self.version, started_at=started, finished_at=_now(), documents=done)
        return done, relations

    def _extract(self, documents: Iterable[Document]) -> Iterable[Extraction]:
        if self.cluster is None:
            return extract_documents(documents, extra_actors=self.extra_actors,
                                     n_process=self.n_process, batch_size=self.batch_size)
        from ..extract import cluster
        if self._client is None:
            self._client = self._cluster_exit.enter_context(cluster.connect(self.cluster))
        return cluster.extract_on_cluster(documents, self._client, extra_actors=self.extra_actors)

    # --- without a database ------------------------------------------------------

    def extract(
        self, paths: Iterable[PathLike], *, out_dir: PathLike | None = None, published: str | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> ExtractReport:
        """Extract files without touching the database; with `out_dir`, write one gold-format JSON each.

        Files are named after the input's stem; an input holding several
        documents (JSONL) gives `<stem>-1.json`, `<stem>-2.json`, ...

        Example:
            ws.extract(["report.txt"], out_dir="out/")   # writes out/report.json
        """
        default = _iso(published, "published")
        report = ExtractReport()
        named: list[tuple[str, Document]] = []
        for path in expand_paths(paths):
            result = read_file(path, published=default, max_bytes=max_bytes)
            report.errors.extend(_error_line(e) for e in result.errors)
            several = len(result.documents) > 1
            named.extend((f"{path.stem}-{n}" if several else path.stem, d) for n, d in enumerate(result.documents, 1))
        documents = [d for _, d in named]
        report.results = list(zip(documents, self._extract(documents)))
        if out_dir is not None:
            report.written = _write_gold(Path(out_dir), [(name, d, e) for (name, _), (d, e) in zip(named, report.results)])
        return report

    def evaluate(self, gold_dir: PathLike, docs_dir: PathLike) -> Score:
        """Score the extractor against gold files (ontology.md format) and their source documents.

        Each gold file is matched to the document named by its `doc.source` (file
        name) in `docs_dir`, else to the file with the gold file's stem and any
        supported suffix.

        Example:
            ws.evaluate("demo/gold", "demo/corpus").total.exact.f1
        """
        golds = gold_documents(gold_dir, docs_dir)
        documents = [document for _, _, document in golds]
        predicted = [to_gold(d, e) for d, e in zip(documents, self._extract(documents))]
        result = score(zip([g for _, g, _ in golds], predicted))
        for doc_score, (path, _, _) in zip(result.docs, golds):
            doc_score.doc = path.name  # the gold file: unique, unlike doc.source of JSONL records
        return result

    # --- reading -----------------------------------------------------------------

    def relations(
        self, *, source: str | None = None, target: str | None = None, type: str | None = None,
        since: str | None = None, until: str | None = None, modality: str | None = None,
        doc_id: str | None = None, group_level: bool = False, limit: int | None = None, offset: int = 0,
    ) -> list[StoredRelation]:
        """Stored relations of the current extractor version (see `Store.relations` for the filters).

        Example:
            ws.relations(source="ISIS-K", type="assault", since="2024-01", group_level=True)
        """
        if limit is not None and limit < 1:
            raise QueryError(f"invalid limit {limit}: give a positive number")
        if doc_id is not None:
            doc_id = self.store.document(doc_id).id
        return self.store.relations(
            source=source, target=target, type=one_of(type, RELATION_TYPES, "relation type"),
            since=_iso(since, "since"), until=_iso(until, "until"),
            modality=one_of(modality, MODALITIES, "modality"), doc_id=doc_id,
            group_level=group_level, limit=limit, offset=offset, version=self.version,
        )

    def actors(self, *, kind: str | None = None) -> list[StoredActor]:
        """Stored actors with aliases and mention counts, most mentioned first.

        Example:
            [a.id for a in ws.actors(kind="armed_group")]
        """
        return self.store.actors(one_of(kind, ACTOR_KINDS, "actor kind"), version=self.version)

    def show(self, doc_id: str) -> DocumentView:
        """A document (by id or unique id prefix) with its relations, claims and publications.

        Example:
            ws.show("5e2481e5").relations
        """
        document = self.store.document(doc_id)
        return DocumentView(
            document=document, versions=self.store.versions(document.id),
            relations=self.store.relations(doc_id=document.id, version=self.version),
            claims=self.store.claims(doc_id=document.id, version=self.version),
            publications=self.store.publications(doc_id=document.id, version=self.version)
            + self.store.publications(doc_id=document.id, version=TELEGRAM_VERSION),
            **document_extras(self.store, document),
        )

    def demo(self, *, progress: Progress | None = None, top: int = 10, limit: int = 25) -> DemoReport:
        """Ingest the bundled demo corpus and summarise what was found.

        Example:
            ws.demo().counts["relations"]
        """
        corpus = demo_corpus()
        report = self.ingest([corpus], progress=progress)
        return DemoReport(
            corpus=corpus, ingest=report, counts=self.store.counts(version=self.version),
            top_actors=[a for a in self.actors() if a.mentions][:top],
            relations=self.relations(limit=limit),
        )

    # --- networks (implemented in api/network.py) ----------------------------------

    def network(
        self, *, year: int | None = None, since: str | None = None, until: str | None = None,
        min_evidence: int = 1, group_level: bool = True, include_imported: bool = True, directed: bool = True,
        progress: Progress | None = None,
    ) -> "_network.Network":
        """The signed, weighted actor network of one time slice, with structural balance and centrality.

        `year` or `since`/`until` (ISO prefixes) choose the slice by each relation's
        date, else its document's; `min_evidence` keeps edges with at least that many
        supporting documents; `group_level=False` keeps actors as written;
        `include_imported` adds imported (human-coded) relations; `directed=False`
        gives one edge per pair. `progress(done, total, "network")` follows the events read.

        Example:
            net = ws.network(year=2024)
            [(e.source, e.sign, e.target) for e in net.edges]
        """
        return _network.network(self, year=year, since=since, until=until, min_evidence=min_evidence,
                                group_level=group_level, include_imported=include_imported, directed=directed,
                                progress=progress)

    def export_network(self, network: "_network.Network", fmt: str) -> bytes:
        """A network as GraphML or GEXF (for Gephi).

        Example:
            Path("net.graphml").write_bytes(ws.export_network(ws.network(year=2024), "graphml"))
        """
        return _network.export_network(network, fmt)

    def import_relationships(self, path: PathLike, *, mapping: PathLike | None = None) -> "_network.ImportReport":
        """Store the rows of a Mapping-Militants-style CSV as imported relations (kept apart from extracted ones).

        Group names resolve through the actor aliases, `knowledge/mmp.yaml` and the
        `mapping` YAML (name: ACTOR_ID); unresolved names are reported and their rows
        skipped. Importing the same file again adds nothing.

        Example:
            ws.import_relationships("militant_relationships_mmp.csv", mapping="names.yaml").unresolved
        """
        return _network.import_relationships(self, path, mapping=mapping)

    # --- narratives and briefs (implemented in api/briefing.py) -------------------

    def narratives(
        self, *, actor: str, target: str | None = None, themes: int | None = None, all_types: bool = False,
        since: str | None = None, until: str | None = None,
    ) -> "_briefing.NarrativesReport":
        """The themes of an actor's statements about others (group level), with their share per quarter.

        The evidence sentences of its ACCUSE, REJECT and THREATEN relations (every
        type with `all_types`), about `target` or anyone, are embedded offline and
        clustered into `themes` themes (chosen by silhouette when None), each
        labelled by its top c-TF-IDF terms with the sentences nearest its centre.

        Example:
            [t.terms[:3] for t in ws.narratives(actor="ISKP", target="TTP").themes]
        """
        return _briefing.narratives(self, actor=actor, target=target, themes=themes, all_types=all_types,
                                    since=since, until=until)

    def brief(self, *, actor: str, out: PathLike, since: str | None = None) -> "_briefing.BriefReport":
        """Write a one-page brief on an actor (.html self-contained, .md, or .pdf through Chromium).

        Key relations, dyads that moved, alerts, charts and the themes of its
        statements, every statement footnoted with its evidence sentence.

        Example:
            ws.brief(actor="ISKP", since="2024-01", out="brief.html").footnotes
        """
        return _briefing.brief(self, actor=actor, out=out, since=since)

    # --- dyads and alerts (implemented in analysis/dyads.py and analysis/alerts.py) ---

    def dyad(
        self, x: str, y: str, *, by: str = "quarter", since: str | None = None, until: str | None = None,
        as_written: bool = False, evidence: bool = False, events: bool = True,
    ) -> "_dyads.DyadTimeline":
        """How the relationship between two actors (ids or aliases) moves: per period and direction,
        events per type and quad class and their hostility (knowledge/hostility.yaml).

        One event per (source, type, target, when) however many documents report it;
        FIGHT counts in both directions and once for the dyad; alleged relations count
        half, negated and hypothetical ones not at all. Group level unless `as_written`.
        `evidence` adds each report's sentence; `events=False` leaves the events out
        (counts and hostility only, computed faster).

        Example:
            [(p.label, p.hostility) for p in ws.dyad("ISKP", "TTP", by="quarter").periods]
        """
        return _dyads.dyad_timeline(
            self.store, x, y, version=self.version, hostility=_dyads.load_hostility(),
            by=one_of(by, _dyads.PERIODS, "period"), since=_iso(since, "since"), until=_iso(until, "until"),
            as_written=as_written, evidence=evidence, events=events)

    def alerts(self, *, by: str = "quarter", since: str | None = None, limit: int = 20) -> "_alerts.AlertReport":
        """Escalations and shifts of every directed dyad, ranked, each citing its evidence
        (method in analysis/alerts.py, thresholds in knowledge/alerts.yaml).

        Without `since`, the latest periods of the store (`recent` in alerts.yaml).

        Example:
            [(a.source, a.target, a.period, a.kinds) for a in ws.alerts(since="2024").alerts]
        """
        return _alerts.find_alerts(
            self.store, version=self.version, hostility=_dyads.load_hostility(), settings=_alerts.load_settings(),
            by=one_of(by, _dyads.PERIODS, "period"), since=_iso(since, "since"), limit=limit)


# --- helpers -----------------------------------------------------------------------

def _write_gold(out_dir: Path, items: list[tuple[str, Document, Extraction]]) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, document, extraction in items:
        path, n = out_dir / f"{name}.json", 1
        while path in written:
            n += 1
            path = out_dir / f"{name}-{n}.json"
        path.write_text(json.dumps(to_gold(document, extraction), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


