/**
 * Every string a person reads in a report, in English and French, and the
 * locale-aware number and date formats that go with them.
 *
 * @example
 * ```ts
 * import { format, t } from "./i18n.ts";
 * t("fr", "lost"); // "Perdus"
 * t("en", "chart.latencyOf", { variant: "plain" }); // "Latency of the events intended each second — plain"
 * format("fr").ms(1234.5); // "1 234 ms"
 * ```
 * @module
 */
import type { TextLang } from "../scenario/types.ts";

/** Languages a report can be written in: the languages a scenario's texts can be written in. */
export type Lang = TextLang;

/**
 * A sentence, or its plural forms, chosen by the number `n` with `Intl.PluralRules`
 * (`other` when a form is missing). In phrases (see `phrase.ts`), `` `x` `` marks code
 * (Kafka's names) left as written.
 */
export type Message = string | ({ other: string } & Partial<Record<Intl.LDMLPluralRule, string>>);

const en = {
  "report.title": "sismo report",
  "comparison.title": "sismo comparison",
  "outcome.passed": "Passed",
  "outcome.failed": "Failed",
  "outcome.inconclusive": "Inconclusive",
  "inconclusive.title": "Inconclusive: verification could not cover every event",
  "outcome.interrupted": "Interrupted",
  "outcome.error": "Error",
  "meta.run": "Run",
  "meta.started": "Started",
  "meta.finished": "Finished",
  "meta.file": "Scenario file",
  "section.verdict": "Verdict",
  "section.sideBySide": "Variants side by side",
  "section.producer": "Producer settings",
  "section.percentiles": "Latency percentile distribution",
  "section.overTime": "Over time",
  "section.phases": "Around each fault",
  "section.anomalies": "Anomaly samples",
  "section.errors": "Errors",
  "section.scenario": "Scenario as resolved",
  "section.environment": "Environment",
  "verdict.expectation": "Expectation",
  "verdict.expected": "Expected",
  "verdict.observed": "Observed",
  "verdict.result": "Result",
  "verdict.pass": "PASS",
  "verdict.fail": "FAIL",
  "verdict.none": "No expectations.",
  "verdict.notMeasured": "not measured",
  "verdict.unbounded": "∞ (never acknowledged)",
  "verdict.anomalyShown": "anomaly shown, as expected",
  "verdict.neutral": "NO EXPECTATION",
  "verdict.inconclusive": "INCONCLUSIVE",
  "verdict.line": "line {line}",
  "counts.section": "Events",
  "intended": "Intended",
  "sent": "Sent",
  "acked": "Acknowledged",
  "failed": "Failed",
  "notSent": "Not sent",
  "ok": "OK",
  "lost": "Lost",
  "duplicated": "Duplicated",
  "duplicates": "Extra copies",
  "phantom": "Phantom",
  "failedAbsent": "Failed, absent",
  "reordered": "Reordered",
  "misplaced": "Found elsewhere",
  "help.misplaced": "no copy read at the partition and offset its acknowledgement named",
  "live": "Live verification",
  "help.live":
    "checked while the load ran, reading the topic as it was written: its counts must equal those of the read after the load",
  "live.agrees": "same counts",
  "live.disagrees": "different counts",
  "live.firstAnomaly": "first anomaly after {s} s",
  "live.peak": "Most events held unsettled",
  "stoppedEarly": "Load stopped early (--fail-fast)",
  "foreign": "Foreign",
  "unverified": "Unverified",
  "help.ok": "acknowledged and read exactly once, in order",
  "help.lost": "acknowledged, never read",
  "help.duplicated": "read more than once",
  "help.phantom": "reported failed, yet in the log",
  "help.failedAbsent": "reported failed and absent: an honest failure",
  "help.reordered":
    "out of place: the fewest events of a key (or partition) to remove for the rest to be in order",
  "help.foreign": "records this run did not write",
  "help.unverified": "partition could not be read",
  "counts.extraCopies": { one: "+{n} extra copy", other: "+{n} extra copies" },
  "counts.notVerified": "not verified",
  "throughput": "Throughput",
  "throughput.acked": "Acknowledged/s",
  "throughput.bytes": "Bytes/s",
  "throughput.sent": "Handed to the client/s",
  "throughput.drain": "Acknowledged during the drain",
  "network.requests": "Produce requests sent",
  "network.bytes": "Bytes sent in produce requests",
  "appResends": "Resent by the application",
  "workers.count": "Workers (shares of the load)",
  "workers.startLag": "Worker start lag, largest",
  "workers.clockOffset": "Worker clock offset, largest",
  "workers.scheduleLag": "Worker schedule lag p99, largest",
  "latency": "Latency",
  "latency.allIntended": "Latency of every intended event (never acknowledged = ∞)",
  "latency.fromIntended": "Latency from intended send time, acknowledged events only",
  "latency.fromSend": "Latency from the hand-off to the client",
  "latency.scheduleLag":
    "Schedule lag: how late the generator emitted events (already in the latencies above)",
  "latency.note":
    "Latency is measured from the time each event was meant to be sent, so waiting behind a slow send counts (no coordinated omission). Expectations on latency judge every intended event of the measured window: an event never acknowledged (not sent, failed, unanswered) is slower than any bound, shown ∞. Throughput counts what happened within the measured window; acknowledgements that came during the drain are counted apart.",
  "producer.property": "Property",
  "producer.differs": "differs between variants",
  "producer.client": "Client",
  "producer.send": "Send mode",
  "producer.topic": "Topic",
  "producer.notes": "How the client departed from these settings",
  "percentiles.x": "Percentile",
  "percentiles.y": "Latency (ms)",
  "percentiles.help":
    "Each point reads: this share of events was acknowledged within this latency. The x axis stretches the tail: 90%, 99%, 99.9% and 99.99% are equally spaced.",
  "percentiles.series": "{variant}",
  "percentiles.seriesFromSend": "{variant} (from send)",
  "chart.seconds": "Seconds since the load started",
  "chart.latencyOf": "Latency of the events intended each second — {variant}",
  "chart.throughputOf": "Acknowledged and errors per second — {variant}",
  "chart.latencyMs": "Latency (ms)",
  "chart.perSecond": "Events/s",
  "chart.ackedPerSecond": "Acknowledged/s",
  "chart.errorsPerSecond": "Never acknowledged (by intended second)",
  "chart.anomaliesPerSecond":
    "Anomalies found by verification (lost, duplicated, phantom, reordered; by intended second)",
  "chart.targetPerSecond": "Target/s",
  "chart.foundPerSecond": "Anomalies found while the load ran (by the second they were found)",
  "chart.warmup": "warm-up",
  "chart.variantsP99": "Every variant: p99 of the events intended each second",
  "chart.variantsAcked": "Every variant: acknowledged per second",
  "chart.drain": "drain",
  "phases.overlap": {
    one:
      "The window before this fault contains fault {other}: its figures are not a clean baseline.",
    other:
      "The window before this fault contains faults {other}: its figures are not a clean baseline.",
  },
  "chart.faultsShaded":
    "Coloured: each fault, numbered, as it really happened (the list under each pair of charts names them). Grey: the warm-up (not measured) and the drain (waiting for the last answers).",
  "phases.fault": "Fault",
  "phases.window": "Window",
  "phases.before": "Before",
  "phases.during": "During",
  "phases.after": "After",
  "phases.events": "Events intended",
  "phases.notAcked": "Never acknowledged",
  "phases.p99": "p99 of the events intended",
  "phases.recovery": "Recovery",
  "phases.p99Recovered": "Latency back to its pre-fault level",
  "phases.after.ms": "{time} after the fault ended",
  "phases.notWithinRun": "not within the run",
  "phases.neverStarted": "never started",
  "phases.neverEnded": "lasted until the end of the load",
  "phases.planned": "planned at {at} for {length}",
  "phases.actual": "ran {from} → {to}",
  "phases.untilEnd": "until the end",
  "phases.none": "No faults.",
  "phases.help":
    "Every figure is about the events whose intended send time falls in the window, whatever happened to them later, so a fault's damage shows where it happened. Before and after: windows as long as the fault, just before and after it. ∞: the percentile falls among events never acknowledged; ≈: fewer than 100 events. Latency back: the first second of events after the fault, all acknowledged, whose p99 is at most 1.5 × the p99 before it.",
  "phases.error": "Fault error: {error}",
  "anomalies.kind": "Kind",
  "anomalies.seq": "Sequence",
  "anomalies.due": "Due at",
  "anomalies.fault": "Faults then",
  "anomalies.partition": "Partition",
  "anomalies.offset": "Offset",
  "anomalies.key": "Key",
  "anomalies.detail": "Detail",
  "anomalies.none": "No anomalies.",
  "anomalies.notVerified": "Not verified.",
  "anomalies.unreadable": {
    one: "Unreadable partition: {list}",
    other: "Unreadable partitions: {list}",
  },
  "errors.message": "Message",
  "errors.count": "Count",
  "errors.source": "From",
  "errors.first": "First seen",
  "errors.last": "Last seen",
  "errors.source.sismo": "sismo",
  "errors.source.send": "failed sends",
  "errors.source.client-log": "client log",
  "errors.none": "No errors.",
  "env.duration": "Run time (cluster start, every variant, verification)",
  "env.kafka": "Kafka",
  "env.bootstrap": "Bootstrap",
  "env.security": "Security",
  "env.brokers": "Brokers",
  "env.mode": "Mode",
  "env.toxiproxy": "Toxiproxy",
  "env.client": "Client",
  "env.deno": "Deno",
  "env.machine": "Machine",
  "env.cpus": { one: "{n} CPU", other: "{n} CPUs" },
  "env.memory": "{gib} GiB memory",
  "env.tool": "sismo",
  "env.none": "none",
  "comparison.baseline": "Baseline",
  "comparison.current": "Current",
  "comparison.metric": "Metric",
  "comparison.change": "Change",
  "comparison.tolerance": "Tolerance",
  "comparison.status": "Status",
  "comparison.regressed": "REGRESSION",
  "comparison.ok": "OK",
  "comparison.informational": "info",
  "comparison.verdictRegressed": "Regression",
  "comparison.verdictOk": "No regression",
  "comparison.onlyInBaseline": "Variants missing from the current run: {list}",
  "comparison.onlyInCurrent": "Variants new in the current run: {list}",
  "comparison.differences":
    "These runs did not run the same thing: their figures are not comparable",
  "comparison.anyIncrease": "any increase",
  "comparison.curves": "Percentile distribution, baseline (dashed) and current",
  "comparison.seriesBaseline": "{variant} baseline",
  "comparison.seriesCurrent": "{variant} current",
  "comparison.timelineP99": "p99 of the events intended each second, baseline (dashed) and current",
  "comparison.timelineAcked": "Acknowledged per second, baseline (dashed) and current",
  "comparison.histogramFallback": "stored percentiles (histogram unreadable)",
  "text.quoted": "{text}",
  "punct.colon": ":",
  "punct.separator": "; ",
  "producer.sendMode": "{mode}, at most {max} outstanding",
  "env.mode.local": "local",
  "env.mode.external": "external",
  "phases.heading": "{variant} — {id}: {label}",
  "phases.brokers": { one: "broker {ids}", other: "brokers {ids}" },
  "fault.toxic": "{toxic} {stream} {target}{toxicity}",
  "fault.toxicity": ", on {share} of connections",
  "fault.connections": ", member {member}'s connections only",
  "fault.stream.downstream": "downstream",
  "fault.stream.upstream": "upstream",
  "fault.toxic.latency": "latency {latency} ms",
  "fault.toxic.latencyJitter": "latency {latency} ms ±{jitter} ms",
  "fault.toxic.bandwidth": "bandwidth {rate} KB/s",
  "fault.toxic.slow_close": "slow_close {delay} ms",
  "fault.toxic.timeout": "timeout {timeout} ms",
  "fault.toxic.timeoutForever": "timeout forever",
  "fault.toxic.reset_peer": "reset_peer",
  "fault.toxic.reset_peerAfter": "reset_peer after {timeout} ms",
  "fault.toxic.slicer": "slicer {average_size} B",
  "fault.toxic.limit_data": "limit_data {bytes} B",
  "fault.proxyDown": "proxy down {target}",
  "fault.broker.stop": "stop {target}",
  "fault.broker.kill": "kill {target}",
  "fault.broker.pause": "pause {target}",
  "fault.member.kill": "kill (SIGKILL) consumer group member {member}",
  "fault.member.pause": "pause (SIGSTOP) consumer group member {member}",
  "fault.member.leave": "consumer group member {member} leaves",
  "fault.member.join": "a new member joins the consumer group",
  "fault.member": "consumer group member {member}",
  "fault.newMember": "a new consumer group member",
  "fault.on.all": "on all",
  "fault.on.brokers": { one: "on broker {ids}", other: "on brokers {ids}" },
  "fault.on.leader": "on leader of partition {partition}",
  "fault.on.followers": "on followers of partition {partition}",
  "fault.of.all": "all brokers",
  "fault.of.brokers": { one: "broker {ids}", other: "brokers {ids}" },
  "fault.of.leader": "leader of partition {partition}",
  "fault.of.followers": "followers of partition {partition}",
  "fault.on.coordinator": "on the group coordinator",
  "fault.of.coordinator": "the group coordinator",
  "fault.problem.start": "could not start: {reason}",
  "fault.problem.heal": "was not healed: {reason}",
  "sample.ackedNeverRead": "acknowledged, never read",
  "sample.readTimes": { one: "read {n} time", other: "read {n} times" },
  "sample.ackedAt": "acknowledged at partition {partition}, offset {offset}",
  "sample.copiesAt": "copies at (partition/offset) {copies}",
  "sample.producerError": "the client said: {error}",
  "sample.noAnswer": "no answer from the producer",
  "sample.ackedLate": "acknowledged late at partition {partition}, offset {offset}",
  "sample.ackedInUnreadable": "acknowledged in unreadable partition {partition}",
  "sample.lateAckInUnreadable": "late acknowledgement in unreadable partition {partition}",
  "sample.partitionUnknown": "partition unknown and a partition is unreadable",
  "sample.before": "before event {seq}",
  "sample.after": "after event {seq}",
  "sample.notThisRun": "not written by this run",
  "sample.otherVariant": "written by variant {variant} of this run",
  "sample.outsideLedger": "sequence {seq} outside the ledger",
  "sample.neverSent": "sequence {seq} was never sent",
  "finding.unansweredAfterPurge":
    "the client never answered, even after the purge (counted as pending)",
  "finding.purgedAfterDrain":
    "still outstanding after the {ms} ms drain: purged (each failed with the client's answer)",
  "finding.faultNotStarted": "fault {id} could not start: {reason}",
  "finding.faultNotHealed": "fault {id} was not healed: {reason}",
  "finding.appResendsFailed": "application resends that failed",
  "finding.ackedAfterFailure":
    "acknowledged after the client had reported them failed (kept as failed)",
  "finding.clamped": "latencies out of the histogram's range (clamped to 0 or 1 h)",
  "finding.truncated":
    "partition {partition}: high watermark stayed at {high}, below the highest acknowledged offset + 1 ({acked}): the log was truncated under acknowledged records, which count as lost",
  "finding.readBack": "read-back: {note}",
  "finding.liveDisagrees":
    "the live verification disagrees with the end-of-run read (live ≠ end of run): {differences}",
  "finding.live": "live verification: {error}",
  "inconclusive.notReadToEnd": {
    one: "partition {partitions} not read to its end within {s} s",
    other: "partitions {partitions} not read to their end within {s} s",
  },
  "inconclusive.unverified": { one: "{n} event unverified", other: "{n} events unverified" },
  "inconclusive.unreadable": {
    one: "partition {partitions} could not be read to its end",
    other: "partitions {partitions} could not be read to their end",
  },
  "inconclusive.consumeFailed": "reading back failed: {error}",
  "inconclusive.endOffsetUnknown": "end offset of partition {partition} unknown: {error}",
  "inconclusive.liveDisagrees":
    "the live verification disagrees with the end-of-run read (live ≠ end of run): {differences}",
  "inconclusive.verificationFailed": "verification failed: {error}",
  "inconclusive.compactNotVerified":
    "not verified: the run kept a compact ledger (too many events to keep each answer) and its live verification did not complete",
  "note.java.sidecar":
    "`kafka-clients` {version} `KafkaProducer` in a JVM sidecar, properties passed through unchanged",
  "note.java.status":
    "a failed record's status comes from its batch as the sidecar finds it in the client's internals: never put in a produce request → `not-persisted`, otherwise (in flight, retried, rejected after retries) `possibly-persisted`",
  "note.java.metrics":
    "produce requests and bytes are the producer metrics `request-total` and `outgoing-byte-total` (every request type, metadata included); retries are `record-retry-total` (retried records, not requests)",
  "note.java.acks0":
    "with `acks=0`, successes are reported persisted with offset -1 (there is no answer)",
  "note.kafkajs.emulated":
    "`linger.ms`, `batch.size` and `delivery.timeout.ms` emulated by sismo (KafkaJS has none); a send past its delivery timeout cannot be cancelled and may still be written",
  "note.kafkajs.idempotent":
    "with `enable.idempotence=true`: one send per partition in flight (KafkaJS reuses rolled-back sequence numbers when sends to one partition overlap)",
  "note.librdkafka.stats":
    "produce requests are librdkafka's statistic `req.Produce`, bytes its `txbytes` (every request type, metadata included), both added up over every broker connection of the run, those librdkafka removed and made again included",
  "note.clientLog":
    "`--client-log`: the client's own log lines, at info level and above (debug as asked), kept in `client-logs/` beside the report; logging that much slows the client and sismo down",
  "section.consumer": "Consumer group",
  "consumer.help":
    "The members of a consumer group read the variant's topic while the load and the faults ran. After the run, each record of the topic was classified from what the members finished (their processing logs), the group's committed offsets and the dead-letter topic.",
  "consumer.heading": "{variant} — group {group}",
  "consumer.settings": "Settings",
  "consumer.client": "Client",
  "consumer.members": "Members at the start",
  "consumer.commit": "Commit mode",
  "consumer.commit.auto": "by the client itself, on its own clock",
  "consumer.commit.after-each": "after each record, waiting for the answer",
  "consumer.commit.after-batch": "after each batch, waiting for the answer",
  "consumer.commit.async": "after each batch, without waiting",
  "consumer.commitEvery": { one: "a batch is {n} record", other: "a batch is {n} records" },
  "consumer.commitOnRevoke": "and before partitions are revoked",
  "consumer.pollRecords": "Records per poll",
  "consumer.processing": "Processing time of a record",
  "consumer.time.fixed": "fixed, {ms}",
  "consumer.time.uniform": "uniform between {min} and {max}",
  "consumer.time.exponential": "exponential, mean {mean}, at most {max}",
  "consumer.poison": "Poison records (always fail)",
  "consumer.deadLetterTopic": "Dead-letter topic",
  "consumer.noDeadLetter": "none: poison records are logged and skipped",
  "consumer.properties": "Consumer properties",
  "consumer.outcome": "What became of each record",
  "processing.records": "Records in the topic",
  "processing.once": "Processed once",
  "processing.moreThanOnce": "Processed more than once",
  "processing.reprocessings": "Reprocessings",
  "processing.deadLettered": "Dead-lettered",
  "processing.lost": "Lost by the group",
  "processing.unprocessed": "Unprocessed",
  "processing.deadLetterMissing": "Missing from the dead-letter topic",
  "members.idle": "Idle members",
  "processing.deadLetterDuplicates": "Extra copies in the dead-letter topic",
  "processing.unknownEntries": "Log entries for records the topic lacks",
  "help.processing.records": "every record of the topic, each in one class below",
  "help.processing.once": "finished by one member, once",
  "help.processing.moreThanOnce":
    "finished more than once: redelivered after a crash or a rebalance",
  "help.processing.deadLettered": "poison records handed to the dead-letter topic and found there",
  "help.processing.lost": "never finished, yet the group committed past them: nobody ever will",
  "help.processing.unprocessed":
    "never finished, not committed past: still owed when the run ended",
  "help.processing.deadLetterMissing": "handed to the dead-letter topic but absent from it",
  "help.processing.deadLetterDuplicates": "copies in the dead-letter topic beyond one per record",
  "help.processing.unknownEntries":
    "processing log entries for records the topic does not have: a bug",
  "consumer.reprocessings": { one: "+{n} reprocessing", other: "+{n} reprocessings" },
  "consumer.notRead": "The group's outcome could not be read: its records were not classified.",
  "consumer.notReadShort": "not read",
  "consumer.samples": "Examples of each anomaly",
  "consumer.finishedBy": "Finished by members",
  "consumer.lives": "Members over time",
  "consumer.member": "Member",
  "consumer.pid": "PID",
  "consumer.started": "Started",
  "consumer.ready": "Subscribed",
  "consumer.ended": "Ended",
  "consumer.end": "How it ended",
  "consumer.end.left": "left the group cleanly",
  "consumer.end.killed": "killed by a signal",
  "consumer.end.failed": "failed",
  "consumer.end.exited": "exited without a word",
  "consumer.notEnded": "still running at the end",
  "consumer.processed": "Processed",
  "consumer.commits": "Commits",
  "consumer.commitFailures": "Failed commits",
  "consumer.assignments": "Partitions assigned",
  "consumer.signals": "Signals",
  "consumer.noPartition": "no partition",
  "consumer.logs": {
    one: "{n} warning or error of the client",
    other: "{n} warnings and errors of the client",
  },
  "consumer.timeline": "Each member's life and its partitions",
  "consumer.timeline.help":
    "One bar per member process, from its start to its end, cut where its assignment changed, its partitions written inside (grey: no partition yet, or none). Marks: K = SIGKILL, S = SIGSTOP, C = SIGCONT. Pale red: some partition held by no member (a rebalance, or a dead member not yet replaced). Dashed: a fault on a member, and the end of the load.",
  "consumer.timeline.row": "member {member}",
  "consumer.timeline.stretch": {
    one: "partition {partitions} from {from} to {to}",
    other: "partitions {partitions} from {from} to {to}",
  },
  "consumer.timeline.noPartition": "no partition from {from} to {to}",
  "consumer.timeline.signal": "{signal} at {at}",
  "consumer.timeline.unowned": "a partition held by no member from {from} to {to}",
  "consumer.timeline.loadEnd": "end of the load",
  "consumer.timeline.fault": "fault {id} on member {member} at {at}",
  "consumer.timeline.faultCluster": "fault {id} at {at}",
  "consumer.pauses": "Cost of each fault",
  "consumer.pauses.help":
    "Per partition, the longest time without a record finished, from the last one before the fault until the next fault: the partitions of a member hit wait to be given to another, the others stop while an eager rebalance lasts; a fault on the brokers (the group coordinator's, say) stops what needs them. The reassignment runs from a member fault until another member process was given the partition (only partitions the member held). —: not measured, not a member fault, or the partition never went on.",
  "consumer.pauses.at": "At",
  "consumer.pauses.pause": "Without progress (pause)",
  "consumer.pauses.reassigned": "Until reassigned",
  "consumer.pauses.none": "No faults.",
  "consumer.pauseMax": "Longest pause of a partition",
  "consumer.pauseMax.none": "none measured",
  "consumer.reassignMax": "Longest wait until reassigned",
  "consumer.idle": "Idle members when the load ended",
  "consumer.idle.none": "none: every running member held a partition",
  "consumer.idle.count": {
    one: "{n} running member held no partition",
    other: "{n} running members held no partition",
  },
  "consumer.endToEnd": "End-to-end latency (intended send → first processed)",
  "consumer.endToEnd.value": "p50 {p50}, p99 {p99}, max {max}",
  "consumer.lagMax": "Largest lag",
  "consumer.lagMax.value": {
    one: "{records} record waiting, {t} s after the load started",
    other: "{records} records waiting, {t} s after the load started",
  },
  "consumer.catchUp": "Catch-up after the load",
  "consumer.catchUp.ms": "every partition committed to its end {time} after the end of the load",
  "consumer.catchUp.never":
    "never: the group had not committed every partition to its end when the run ended",
  "consumer.never": "never",
  "consumer.committed": "Committed offsets at the end",
  "consumer.committed.none": "none",
} as const satisfies Record<string, Message>;

/** Key of a report string. */
export type MessageKey = keyof typeof en;

const fr: Record<MessageKey, Message> = {
  "report.title": "Rapport sismo",
  "comparison.title": "Comparaison sismo",
  "outcome.passed": "Réussi",
  "outcome.failed": "Échoué",
  "outcome.inconclusive": "Non concluant",
  "inconclusive.title": "Non concluant : la vérification n’a pas pu couvrir chaque événement",
  "outcome.interrupted": "Interrompu",
  "outcome.error": "Erreur",
  "meta.run": "Exécution",
  "meta.started": "Début",
  "meta.finished": "Fin",
  "meta.file": "Fichier du scénario",
  "section.verdict": "Verdict",
  "section.sideBySide": "Variantes côte à côte",
  "section.producer": "Réglages du producteur",
  "section.percentiles": "Distribution des centiles de latence",
  "section.overTime": "Au fil du temps",
  "section.phases": "Autour de chaque panne",
  "section.anomalies": "Exemples d’anomalies",
  "section.errors": "Erreurs",
  "section.scenario": "Scénario résolu",
  "section.environment": "Environnement",
  "verdict.expectation": "Attente",
  "verdict.expected": "Attendu",
  "verdict.observed": "Observé",
  "verdict.result": "Résultat",
  "verdict.pass": "RÉUSSI",
  "verdict.fail": "ÉCHEC",
  "verdict.none": "Aucune attente.",
  "verdict.notMeasured": "non mesuré",
  "verdict.unbounded": "∞ (jamais acquitté)",
  "verdict.anomalyShown": "anomalie montrée, comme attendu",
  "verdict.neutral": "AUCUNE ATTENTE",
  "verdict.inconclusive": "NON CONCLUANT",
  "verdict.line": "ligne {line}",
  "counts.section": "Événements",
  "intended": "Prévus",
  "sent": "Envoyés",
  "acked": "Acquittés",
  "failed": "Échoués",
  "notSent": "Non envoyés",
  "ok": "OK",
  "lost": "Perdus",
  "duplicated": "Dupliqués",
  "duplicates": "Copies en trop",
  "phantom": "Fantômes",
  "failedAbsent": "Échoués, absents",
  "reordered": "Réordonnés",
  "misplaced": "Trouvés ailleurs",
  "help.misplaced": "aucune copie lue à la partition et à l’offset annoncés par l’acquittement",
  "live": "Vérification en direct",
  "help.live":
    "menée pendant la charge, en lisant le topic au fil de l’écriture : ses comptes doivent être ceux de la relecture après la charge",
  "live.agrees": "mêmes comptes",
  "live.disagrees": "comptes différents",
  "live.firstAnomaly": "première anomalie après {s} s",
  "live.peak": "Événements en attente de verdict, au plus",
  "stoppedEarly": "Charge arrêtée tôt (--fail-fast)",
  "foreign": "Étrangers",
  "unverified": "Non vérifiés",
  "help.ok": "acquittés et lus une seule fois, dans l’ordre",
  "help.lost": "acquittés, jamais lus",
  "help.duplicated": "lus plus d’une fois",
  "help.phantom": "signalés en échec, pourtant dans le journal",
  "help.failedAbsent": "signalés en échec et absents : un échec honnête",
  "help.reordered":
    "hors de place : le moins d’événements d’une clé (ou partition) à retirer pour que le reste soit dans l’ordre",
  "help.foreign": "enregistrements que cette exécution n’a pas écrits",
  "help.unverified": "partition illisible",
  "counts.extraCopies": { one: "+{n} copie en trop", other: "+{n} copies en trop" },
  "counts.notVerified": "non vérifié",
  "throughput": "Débit",
  "throughput.acked": "Acquittés/s",
  "throughput.bytes": "Octets/s",
  "throughput.sent": "Remis au client/s",
  "throughput.drain": "Acquittés pendant la vidange",
  "network.requests": "Requêtes Produce envoyées",
  "network.bytes": "Octets envoyés (requêtes Produce)",
  "appResends": "Renvoyés par l’application",
  "workers.count": "Workers (parts de la charge)",
  "workers.startLag": "Retard au départ d’un worker, le plus grand",
  "workers.clockOffset": "Décalage d’horloge d’un worker, le plus grand",
  "workers.scheduleLag": "Retard d’envoi p99 d’un worker, le plus grand",
  "latency": "Latence",
  "latency.allIntended": "Latence de chaque événement prévu (jamais acquitté = ∞)",
  "latency.fromIntended": "Latence depuis l’heure d’envoi prévue, événements acquittés seulement",
  "latency.fromSend": "Latence depuis la remise au client",
  "latency.scheduleLag":
    "Retard du générateur sur le calendrier (déjà compris dans les latences ci-dessus)",
  "latency.note":
    "La latence est mesurée depuis l’heure à laquelle chaque événement devait partir : l’attente derrière un envoi lent compte (pas d’omission coordonnée). Les attentes sur la latence jugent chaque événement prévu de la fenêtre mesurée : un événement jamais acquitté (non envoyé, en échec, sans réponse) est plus lent que toute borne, noté ∞. Le débit compte ce qui s’est passé dans la fenêtre mesurée ; les acquittements arrivés pendant la vidange sont comptés à part.",
  "producer.property": "Propriété",
  "producer.differs": "diffère entre les variantes",
  "producer.client": "Client",
  "producer.send": "Mode d’envoi",
  "producer.topic": "Topic",
  "producer.notes": "Écarts du client par rapport à ces réglages",
  "percentiles.x": "Centile",
  "percentiles.y": "Latence (ms)",
  "percentiles.help":
    "Chaque point se lit : cette part des événements a été acquittée en moins de cette latence. L’axe horizontal étire la traîne : 90 %, 99 %, 99,9 % et 99,99 % sont également espacés.",
  "percentiles.series": "{variant}",
  "percentiles.seriesFromSend": "{variant} (depuis l’envoi)",
  "chart.seconds": "Secondes depuis le début de la charge",
  "chart.latencyOf": "Latence des événements prévus chaque seconde — {variant}",
  "chart.throughputOf": "Acquittés et erreurs par seconde — {variant}",
  "chart.latencyMs": "Latence (ms)",
  "chart.perSecond": "Événements/s",
  "chart.ackedPerSecond": "Acquittés/s",
  "chart.errorsPerSecond": "Jamais acquittés (par seconde prévue)",
  "chart.anomaliesPerSecond":
    "Anomalies trouvées à la vérification (perdus, dupliqués, fantômes, réordonnés ; par seconde prévue)",
  "chart.targetPerSecond": "Cible/s",
  "chart.foundPerSecond": "Anomalies trouvées pendant la charge (par seconde de découverte)",
  "chart.warmup": "échauffement",
  "chart.variantsP99": "Toutes les variantes : p99 des événements prévus chaque seconde",
  "chart.variantsAcked": "Toutes les variantes : acquittés par seconde",
  "chart.drain": "vidange",
  "phases.overlap": {
    one:
      "La fenêtre d’avant cette panne contient la panne {other} : ses chiffres ne sont pas une référence propre.",
    other:
      "La fenêtre d’avant cette panne contient les pannes {other} : ses chiffres ne sont pas une référence propre.",
  },
  "chart.faultsShaded":
    "En couleur : chaque panne, numérotée, telle qu’elle s’est réellement produite (la liste sous chaque paire de graphiques les nomme). En gris : l’échauffement (non mesuré) et la vidange (attente des dernières réponses).",
  "phases.fault": "Panne",
  "phases.window": "Fenêtre",
  "phases.before": "Avant",
  "phases.during": "Pendant",
  "phases.after": "Après",
  "phases.events": "Événements prévus",
  "phases.notAcked": "Jamais acquittés",
  "phases.p99": "p99 des événements prévus",
  "phases.recovery": "Rétablissement",
  "phases.p99Recovered": "Latence revenue à son niveau d’avant",
  "phases.after.ms": "{time} après la fin de la panne",
  "phases.notWithinRun": "pas pendant l’exécution",
  "phases.neverStarted": "jamais démarrée",
  "phases.neverEnded": "a duré jusqu’à la fin de la charge",
  "phases.planned": "prévue à {at} pendant {length}",
  "phases.actual": "réelle de {from} à {to}",
  "phases.untilEnd": "jusqu’à la fin",
  "phases.none": "Aucune panne.",
  "phases.help":
    "Chaque chiffre porte sur les événements dont l’heure d’envoi prévue tombe dans la fenêtre, quoi qu’il leur soit arrivé ensuite : les dégâts d’une panne apparaissent là où elle a frappé. Avant et après : des fenêtres aussi longues que la panne, juste avant et juste après. ∞ : le percentile tombe parmi des événements jamais acquittés ; ≈ : moins de 100 événements. Latence revenue : la première seconde d’événements après la panne, tous acquittés, dont le p99 est au plus 1,5 × le p99 d’avant.",
  "phases.error": "Erreur de la panne : {error}",
  "anomalies.kind": "Type",
  "anomalies.seq": "Séquence",
  "anomalies.due": "Prévu à",
  "anomalies.fault": "Pannes alors",
  "anomalies.partition": "Partition",
  "anomalies.offset": "Offset",
  "anomalies.key": "Clé",
  "anomalies.detail": "Détail",
  "anomalies.none": "Aucune anomalie.",
  "anomalies.notVerified": "Non vérifié.",
  "anomalies.unreadable": {
    one: "Partition illisible : {list}",
    other: "Partitions illisibles : {list}",
  },
  "errors.message": "Message",
  "errors.count": "Nombre",
  "errors.source": "Origine",
  "errors.first": "Vu d’abord à",
  "errors.last": "Vu en dernier à",
  "errors.source.sismo": "sismo",
  "errors.source.send": "envois en échec",
  "errors.source.client-log": "journal du client",
  "errors.none": "Aucune erreur.",
  "env.duration": "Durée du run (démarrage du cluster, chaque variante, vérification)",
  "env.kafka": "Kafka",
  "env.bootstrap": "Amorçage",
  "env.security": "Sécurité",
  "env.brokers": "Brokers",
  "env.mode": "Mode",
  "env.toxiproxy": "Toxiproxy",
  "env.client": "Client",
  "env.deno": "Deno",
  "env.machine": "Machine",
  "env.cpus": { one: "{n} processeur", other: "{n} processeurs" },
  "env.memory": "{gib} Gio de mémoire",
  "env.tool": "sismo",
  "env.none": "aucun",
  "comparison.baseline": "Référence",
  "comparison.current": "Actuel",
  "comparison.metric": "Mesure",
  "comparison.change": "Écart",
  "comparison.tolerance": "Tolérance",
  "comparison.status": "État",
  "comparison.regressed": "RÉGRESSION",
  "comparison.ok": "OK",
  "comparison.informational": "info",
  "comparison.verdictRegressed": "Régression",
  "comparison.verdictOk": "Aucune régression",
  "comparison.onlyInBaseline": "Variantes absentes de l’exécution actuelle : {list}",
  "comparison.onlyInCurrent": "Nouvelles variantes dans l’exécution actuelle : {list}",
  "comparison.differences":
    "Ces exécutions n’ont pas fait la même chose : leurs chiffres ne sont pas comparables",
  "comparison.anyIncrease": "toute hausse",
  "comparison.curves": "Distribution des centiles, référence (tirets) et actuelle",
  "comparison.seriesBaseline": "{variant} référence",
  "comparison.seriesCurrent": "{variant} actuelle",
  "comparison.timelineP99":
    "p99 des événements prévus chaque seconde, référence (tirets) et actuelle",
  "comparison.timelineAcked": "Acquittés par seconde, référence (tirets) et actuelle",
  "comparison.histogramFallback": "centiles enregistrés (histogramme illisible)",
  "text.quoted": "{text}",
  "punct.colon": " :",
  "punct.separator": " ; ",
  "producer.sendMode": "{mode}, au plus {max} en attente",
  "env.mode.local": "local",
  "env.mode.external": "externe",
  "phases.heading": "{variant} — {id} : {label}",
  "phases.brokers": { one: "broker {ids}", other: "brokers {ids}" },
  "fault.toxic": "{toxic} {stream}, {target}{toxicity}",
  "fault.toxicity": ", sur {share} des connexions",
  "fault.connections": ", connexions du membre {member} seulement",
  "fault.stream.downstream": "(broker → client)",
  "fault.stream.upstream": "(client → broker)",
  "fault.toxic.latency": "latence de {latency} ms",
  "fault.toxic.latencyJitter": "latence de {latency} ms ±{jitter} ms",
  "fault.toxic.bandwidth": "débit limité à {rate} Ko/s",
  "fault.toxic.slow_close": "fermeture retardée de {delay} ms",
  "fault.toxic.timeout": "données bloquées, connexion coupée après {timeout} ms",
  "fault.toxic.timeoutForever": "données bloquées",
  "fault.toxic.reset_peer": "connexions réinitialisées",
  "fault.toxic.reset_peerAfter": "connexions réinitialisées après {timeout} ms",
  "fault.toxic.slicer": "données découpées en paquets de {average_size} octets",
  "fault.toxic.limit_data": "connexion coupée après {bytes} octets",
  "fault.proxyDown": "proxy coupé {target}",
  "fault.broker.stop": "arrêt (SIGTERM) {target}",
  "fault.broker.kill": "arrêt brutal (SIGKILL) {target}",
  "fault.broker.pause": "mise en pause (SIGSTOP) {target}",
  "fault.member.kill": "arrêt brutal (SIGKILL) du membre {member} du groupe de consommateurs",
  "fault.member.pause": "mise en pause (SIGSTOP) du membre {member} du groupe de consommateurs",
  "fault.member.leave": "départ du membre {member} du groupe de consommateurs",
  "fault.member.join": "un nouveau membre rejoint le groupe de consommateurs",
  "fault.member": "membre {member} du groupe de consommateurs",
  "fault.newMember": "un nouveau membre du groupe de consommateurs",
  "fault.on.all": "sur tous les brokers",
  "fault.on.brokers": { one: "sur le broker {ids}", other: "sur les brokers {ids}" },
  "fault.on.leader": "sur le leader de la partition {partition}",
  "fault.on.followers": "sur les réplicas suiveurs de la partition {partition}",
  "fault.of.all": "de tous les brokers",
  "fault.of.brokers": { one: "du broker {ids}", other: "des brokers {ids}" },
  "fault.of.leader": "du leader de la partition {partition}",
  "fault.of.followers": "des réplicas suiveurs de la partition {partition}",
  "fault.on.coordinator": "sur le coordinateur du groupe",
  "fault.of.coordinator": "du coordinateur du groupe",
  "fault.problem.start": "n’a pas pu démarrer : {reason}",
  "fault.problem.heal": "n’a pas été levée : {reason}",
  "sample.ackedNeverRead": "acquitté, jamais relu",
  "sample.readTimes": { one: "lu {n} fois", other: "lu {n} fois" },
  "sample.ackedAt": "acquitté en partition {partition}, offset {offset}",
  "sample.copiesAt": "copies en (partition/offset) {copies}",
  "sample.producerError": "réponse du client : {error}",
  "sample.noAnswer": "aucune réponse du producteur",
  "sample.ackedLate": "acquitté en retard en partition {partition}, offset {offset}",
  "sample.ackedInUnreadable": "acquitté dans la partition illisible {partition}",
  "sample.lateAckInUnreadable": "acquittement tardif dans la partition illisible {partition}",
  "sample.partitionUnknown": "partition inconnue, et une partition est illisible",
  "sample.before": "avant l’événement {seq}",
  "sample.after": "après l’événement {seq}",
  "sample.notThisRun": "pas écrit par cette exécution",
  "sample.otherVariant": "écrit par la variante {variant} de cette exécution",
  "sample.outsideLedger": "séquence {seq} hors du registre",
  "sample.neverSent": "séquence {seq} jamais envoyée",
  "finding.unansweredAfterPurge":
    "le client n’a jamais répondu, même après la purge (comptés comme en attente)",
  "finding.purgedAfterDrain":
    "toujours en attente après les {ms} ms de vidange : purgés (chacun en échec avec la réponse du client)",
  "finding.faultNotStarted": "la panne {id} n’a pas pu démarrer : {reason}",
  "finding.faultNotHealed": "la panne {id} n’a pas été levée : {reason}",
  "finding.appResendsFailed": "renvois de l’application en échec",
  "finding.ackedAfterFailure":
    "acquittés après que le client les a signalés en échec (comptés en échec)",
  "finding.clamped": "latences hors de la plage de l’histogramme (ramenées à 0 ou 1 h)",
  "finding.truncated":
    "partition {partition} : le high watermark est resté à {high}, sous le plus grand offset acquitté + 1 ({acked}) : le journal a été tronqué sous des enregistrements acquittés, comptés perdus",
  "finding.readBack": "relecture : {note}",
  "finding.liveDisagrees":
    "la vérification en direct contredit la relecture finale (en direct ≠ finale) : {differences}",
  "finding.live": "vérification en direct : {error}",
  "inconclusive.notReadToEnd": {
    one: "partition {partitions} pas relue jusqu’au bout en {s} s",
    other: "partitions {partitions} pas relues jusqu’au bout en {s} s",
  },
  "inconclusive.unverified": {
    one: "{n} événement non vérifié",
    other: "{n} événements non vérifiés",
  },
  "inconclusive.unreadable": {
    one: "partition {partitions} pas relue jusqu’au bout",
    other: "partitions {partitions} pas relues jusqu’au bout",
  },
  "inconclusive.consumeFailed": "la relecture a échoué : {error}",
  "inconclusive.endOffsetUnknown": "offset de fin de la partition {partition} inconnu : {error}",
  "inconclusive.liveDisagrees":
    "la vérification en direct contredit la relecture finale (en direct ≠ finale) : {differences}",
  "inconclusive.verificationFailed": "la vérification a échoué : {error}",
  "inconclusive.compactNotVerified":
    "non vérifié : l’exécution a tenu un registre compact (trop d’événements pour garder chaque réponse) et sa vérification en direct n’a pas abouti",
  "note.java.sidecar":
    "`KafkaProducer` de `kafka-clients` {version} dans une JVM à part (sidecar), propriétés transmises telles quelles",
  "note.java.status":
    "le statut d’un enregistrement en échec vient de son lot, tel que le sidecar le trouve dans les structures internes du client : jamais mis dans une requête Produce → `not-persisted`, sinon (en vol, réessayé, rejeté après les nouvelles tentatives) `possibly-persisted`",
  "note.java.metrics":
    "les requêtes Produce et leurs octets sont les métriques `request-total` et `outgoing-byte-total` du producteur (tous types de requêtes, métadonnées comprises) ; les nouvelles tentatives sont `record-retry-total` (des enregistrements réessayés, pas des requêtes)",
  "note.java.acks0":
    "avec `acks=0`, les succès sont signalés persistés avec l’offset -1 (il n’y a pas de réponse)",
  "note.kafkajs.emulated":
    "`linger.ms`, `batch.size` et `delivery.timeout.ms` sont émulés par sismo (KafkaJS n’en a aucun) ; un envoi qui dépasse son délai de livraison ne peut pas être annulé et peut quand même être écrit",
  "note.kafkajs.idempotent":
    "avec `enable.idempotence=true` : un seul envoi en vol par partition (KafkaJS réutilise des numéros de séquence annulés quand des envois vers une même partition se chevauchent)",
  "note.librdkafka.stats":
    "les requêtes Produce sont la statistique `req.Produce` de librdkafka, les octets envoyés sa statistique `txbytes` (tous types de requêtes, métadonnées comprises), les deux additionnées sur toutes les connexions aux brokers de l’exécution, y compris celles que librdkafka a supprimées puis recréées",
  "note.clientLog":
    "`--client-log` : les lignes de journal du client lui-même, de niveau info et plus graves (debug si demandé), gardées dans `client-logs/` à côté du rapport ; journaliser autant ralentit le client et sismo",
  "section.consumer": "Groupe de consommateurs",
  "consumer.help":
    "Les membres d’un groupe de consommateurs ont lu le topic de la variante pendant la charge et les pannes. Après l’exécution, chaque enregistrement du topic a été classé d’après ce que les membres ont terminé (leurs journaux de traitement), les offsets commités du groupe et le topic de lettres mortes.",
  "consumer.heading": "{variant} — groupe {group}",
  "consumer.settings": "Réglages",
  "consumer.client": "Client",
  "consumer.members": "Membres au départ",
  "consumer.commit": "Mode de commit",
  "consumer.commit.auto": "par le client lui-même, à son rythme",
  "consumer.commit.after-each": "après chaque enregistrement, en attendant la réponse",
  "consumer.commit.after-batch": "après chaque lot, en attendant la réponse",
  "consumer.commit.async": "après chaque lot, sans attendre",
  "consumer.commitEvery": {
    one: "un lot fait {n} enregistrement",
    other: "un lot fait {n} enregistrements",
  },
  "consumer.commitOnRevoke": "et avant que des partitions soient retirées",
  "consumer.pollRecords": "Enregistrements par poll",
  "consumer.processing": "Temps de traitement d’un enregistrement",
  "consumer.time.fixed": "fixe, {ms}",
  "consumer.time.uniform": "uniforme entre {min} et {max}",
  "consumer.time.exponential": "exponentielle, moyenne {mean}, au plus {max}",
  "consumer.poison": "Enregistrements poison (toujours en échec)",
  "consumer.deadLetterTopic": "Topic de lettres mortes",
  "consumer.noDeadLetter": "aucun : les enregistrements poison sont journalisés et ignorés",
  "consumer.properties": "Propriétés du consommateur",
  "consumer.outcome": "Devenir de chaque enregistrement",
  "processing.records": "Enregistrements du topic",
  "processing.once": "Traités une fois",
  "processing.moreThanOnce": "Traités plus d’une fois",
  "processing.reprocessings": "Retraitements",
  "processing.deadLettered": "Envoyés en lettres mortes",
  "processing.lost": "Perdus par le groupe",
  "processing.unprocessed": "Non traités",
  "processing.deadLetterMissing": "Absents du topic de lettres mortes",
  "members.idle": "Membres inactifs",
  "processing.deadLetterDuplicates": "Copies en trop dans le topic de lettres mortes",
  "processing.unknownEntries": "Entrées de journal sans enregistrement dans le topic",
  "help.processing.records": "chaque enregistrement du topic, chacun dans une classe ci-dessous",
  "help.processing.once": "terminés par un seul membre, une seule fois",
  "help.processing.moreThanOnce":
    "terminés plus d’une fois : relivrés après un crash ou un rééquilibrage (rebalance)",
  "help.processing.deadLettered":
    "enregistrements poison transmis au topic de lettres mortes et retrouvés dedans",
  "help.processing.lost":
    "jamais terminés, alors que le groupe a commité au-delà : personne ne les traitera",
  "help.processing.unprocessed":
    "jamais terminés, pas commités au-delà : encore dus à la fin de l’exécution",
  "help.processing.deadLetterMissing":
    "transmis au topic de lettres mortes mais absents de celui-ci",
  "help.processing.deadLetterDuplicates":
    "copies dans le topic de lettres mortes au-delà d’une par enregistrement",
  "help.processing.unknownEntries":
    "entrées des journaux de traitement pour des enregistrements que le topic n’a pas : un bogue",
  "consumer.reprocessings": { one: "+{n} retraitement", other: "+{n} retraitements" },
  "consumer.notRead":
    "Le devenir des enregistrements du groupe n’a pas pu être lu : ils n’ont pas été classés.",
  "consumer.notReadShort": "non lu",
  "consumer.samples": "Exemples de chaque anomalie",
  "consumer.finishedBy": "Terminé par les membres",
  "consumer.lives": "Membres au fil du temps",
  "consumer.member": "Membre",
  "consumer.pid": "PID",
  "consumer.started": "Démarré",
  "consumer.ready": "Abonné",
  "consumer.ended": "Terminé",
  "consumer.end": "Fin",
  "consumer.end.left": "a quitté le groupe proprement",
  "consumer.end.killed": "tué par un signal",
  "consumer.end.failed": "en échec",
  "consumer.end.exited": "sorti sans un mot",
  "consumer.notEnded": "encore en cours à la fin",
  "consumer.processed": "Traités",
  "consumer.commits": "Commits",
  "consumer.commitFailures": "Commits en échec",
  "consumer.assignments": "Partitions affectées",
  "consumer.signals": "Signaux",
  "consumer.noPartition": "aucune partition",
  "consumer.logs": {
    one: "{n} avertissement ou erreur du client",
    other: "{n} avertissements et erreurs du client",
  },
  "consumer.timeline": "La vie de chaque membre et ses partitions",
  "consumer.timeline.help":
    "Une barre par processus membre, de son démarrage à sa fin, coupée à chaque changement d’affectation, ses partitions écrites dedans (gris : pas encore de partition, ou aucune). Repères : K = SIGKILL, S = SIGSTOP, C = SIGCONT. Rouge pâle : une partition tenue par aucun membre (un rééquilibrage du groupe, le rebalance de Kafka, ou un membre mort pas encore remplacé). En pointillés : une panne sur un membre, et la fin de la charge.",
  "consumer.timeline.row": "membre {member}",
  "consumer.timeline.stretch": {
    one: "partition {partitions} de {from} à {to}",
    other: "partitions {partitions} de {from} à {to}",
  },
  "consumer.timeline.noPartition": "aucune partition de {from} à {to}",
  "consumer.timeline.signal": "{signal} à {at}",
  "consumer.timeline.unowned": "une partition tenue par aucun membre de {from} à {to}",
  "consumer.timeline.loadEnd": "fin de la charge",
  "consumer.timeline.fault": "panne {id} sur le membre {member} à {at}",
  "consumer.timeline.faultCluster": "panne {id} à {at}",
  "consumer.pauses": "Coût de chaque panne",
  "consumer.pauses.help":
    "Par partition, le plus long temps sans enregistrement terminé, du dernier avant la panne jusqu’à la panne suivante : les partitions d’un membre touché attendent d’être confiées à un autre, les autres s’arrêtent le temps d’un rééquilibrage (rebalance) eager ; une panne de brokers (celui du coordinateur du groupe, par exemple) arrête ce qui en dépend. La réaffectation va d’une panne de membre jusqu’à ce qu’un autre processus membre reçoive la partition (seulement les partitions que tenait le membre). — : non mesuré, pas une panne de membre, ou la partition n’est jamais repartie.",
  "consumer.pauses.at": "À",
  "consumer.pauses.pause": "Sans progrès (pause)",
  "consumer.pauses.reassigned": "Jusqu’à la réaffectation",
  "consumer.pauses.none": "Aucune panne.",
  "consumer.pauseMax": "Plus longue pause d’une partition",
  "consumer.pauseMax.none": "aucune mesurée",
  "consumer.reassignMax": "Plus longue attente avant réaffectation",
  "consumer.idle": "Membres inactifs à la fin de la charge",
  "consumer.idle.none": "aucun : chaque membre en marche tenait une partition",
  "consumer.idle.count": {
    one: "{n} membre en marche ne tenait aucune partition",
    other: "{n} membres en marche ne tenaient aucune partition",
  },
  "consumer.endToEnd": "Latence de bout en bout (envoi prévu → premier traitement)",
  "consumer.endToEnd.value": "p50 {p50}, p99 {p99}, max {max}",
  "consumer.lagMax": "Plus grand retard",
  "consumer.lagMax.value": {
    one: "{records} enregistrement en attente, {t} s après le début de la charge",
    other: "{records} enregistrements en attente, {t} s après le début de la charge",
  },
  "consumer.catchUp": "Rattrapage après la charge",
  "consumer.catchUp.ms": "chaque partition commitée jusqu’au bout {time} après la fin de la charge",
  "consumer.catchUp.never":
    "jamais : le groupe n’avait pas commité chaque partition jusqu’au bout à la fin de l’exécution",
  "consumer.never": "jamais",
  "consumer.committed": "Offsets commités à la fin",
  "consumer.committed.none": "aucun",
};

const dictionaries: Record<Lang, Readonly<Record<MessageKey, Message>>> = { en, fr };

/** BCP 47 locale of each language, for `Intl`. */
export const LOCALES: Record<Lang, string> = { en: "en-US", fr: "fr-FR" };

/** Every message of `lang` (the test of untranslated words reads them). */
export function messages(lang: Lang): Readonly<Record<MessageKey, Message>> {
  return dictionaries[lang];
}

/** Whether `id` names a message (phrases in report.json carry ids as plain strings). */
export function isMessageKey(id: string): id is MessageKey {
  return Object.hasOwn(en, id);
}

const pluralRules = new Map<Lang, Intl.PluralRules>();

/** The template of `key` in `lang`, in the plural form for `n` (`other` without one). */
export function template(lang: Lang, key: MessageKey, n?: number): string {
  const message = dictionaries[lang][key];
  if (typeof message === "string") return message;
  if (n === undefined) return message.other;
  let rules = pluralRules.get(lang);
  if (!rules) pluralRules.set(lang, rules = new Intl.PluralRules(LOCALES[lang]));
  return message[rules.select(n)] ?? message.other;
}

/**
 * The string `key` in `lang`, with `{name}` placeholders filled from `vars`. A plural
 * message takes its form from the number `n`, written in the language's number format.
 */
export function t(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const n = typeof vars.n === "number" ? vars.n : undefined;
  const filled = n === undefined ? vars : { ...vars, n: format(lang).num(n, 2) };
  return template(lang, key, n).replace(
    /\{(\w+)\}/g,
    (all, name: string) => name in filled ? String(filled[name]) : all,
  );
}

/** Locale-aware formatters of one language. */
export interface Formatter {
  lang: Lang;
  locale: string;
  /** A count: `12,345` / `12 345`. */
  int(n: number): string;
  /** A number with at most `digits` decimals. */
  num(n: number, digits?: number): string;
  /** A latency: `0.82 ms`, `12.4 ms`, `1,234 ms`. */
  ms(n: number): string;
  /** A duration in ms written in seconds: `8.0 s`. */
  seconds(ms: number): string;
  /** A rate: `498.4/s`. */
  rate(n: number): string;
  /** A signed relative change: `+12.5%`. */
  change(ratio: number): string;
  /** A percentage of 0–100: `99.9%`. */
  percent(p: number): string;
  /** An ISO date in UTC: `November 20, 2025 at 2:03:12 PM UTC`. */
  date(iso: string): string;
}

/** Formatters for `lang`. */
export function format(lang: Lang): Formatter {
  const locale = LOCALES[lang];
  const numberFormats = new Map<number, Intl.NumberFormat>();
  const num = (n: number, digits = 0) => {
    let nf = numberFormats.get(digits);
    if (!nf) {
      nf = new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
      numberFormats.set(digits, nf);
    }
    return nf.format(n);
  };
  const percentFormat = new Intl.NumberFormat(locale, {
    style: "percent",
    maximumFractionDigits: 4,
  });
  const dateFormat = new Intl.DateTimeFormat(locale, {
    dateStyle: "long",
    timeStyle: "medium",
    timeZone: "UTC",
  });
  return {
    lang,
    locale,
    int: (n) => num(n, 0),
    num,
    ms: (n) => `${num(n, Math.abs(n) < 10 ? 2 : Math.abs(n) < 100 ? 1 : 0)} ms`,
    seconds: (ms) =>
      `${
        new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 })
          .format(ms / 1000)
      } s`,
    rate: (n) => `${num(n, n < 100 ? 1 : 0)}/s`,
    change: (ratio) => {
      const text = new Intl.NumberFormat(locale, {
        style: "percent",
        maximumFractionDigits: 1,
        signDisplay: "exceptZero",
      }).format(ratio);
      return text;
    },
    percent: (p) => percentFormat.format(p / 100),
    date: (iso) => {
      const date = new Date(iso);
      return Number.isNaN(date.getTime()) ? iso : `${dateFormat.format(date)} UTC`;
    },
  };
}
