/*
 * sismo's Java producer sidecar: Kafka's own KafkaProducer (kafka-clients from
 * the cached Kafka jars), driven by the Deno driver (driver.ts) over this
 * process's stdin and stdout with length-prefixed binary frames. The driver
 * compiles it once with javac into sismo's cache and runs it as:
 *
 *   java -cp '<classes>:<kafka libs>/*' Sidecar              serve one producer
 *   java -cp '<classes>:<kafka libs>/*' Sidecar --describe   print the version and ProducerConfig names
 *
 * Every integer is big-endian. A string is an int32 byte
 * length and UTF-8 bytes. The token is 8 opaque bytes (the driver writes a
 * float64), echoed unchanged.
 *
 * stdin (driver to sidecar):
 *   0 CONFIG  string topic, int32 n, n x (string name, string value)   first frame, once
 *   1 RECORD  token(8), int32 key length (-1 = null), key, int32 value length, value
 *   2 PURGE   fail every pending record, then close the producer
 *   3 CLOSE   the same, then exit (stdin EOF does the same)
 *
 * stdout (sidecar to driver):
 *   1 READY   string kafka-clients version                  once the producer is constructed
 *   2 REPORT  token(8), int32 partition, int64 offset, int8 status, [string error when status != 0]
 *   3 STATS   float64 request-total, float64 outgoing-byte-total, float64 record-retry-total
 *   4 PURGED  every record received before PURGE has been reported
 *   5 FATAL   string message                                 the producer could not be built
 *
 * Status: 0 persisted, 1 possibly persisted, 2 not persisted. The Java client
 * has no persistence status like librdkafka's, and words an expiry in its
 * accumulator and one in flight alike ("Expiring N record(s) ... since batch
 * creation"). What this program can tell (see classify):
 *   - a callback run on one of this program's own threads comes from a record
 *     the client never handed to its network thread (send() failed, or purge
 *     aborted a batch never drained): not persisted;
 *   - a failure on the network thread: the record's batch is still among the
 *     accumulator's incomplete batches while its callbacks run, so its state
 *     is read there (kafka-clients internals, by reflection): a batch never
 *     drained into a produce request (drainedMs 0, no attempt) is not
 *     persisted; one that was (in flight, retried, answered with an error) is
 *     possibly persisted. When the internals cannot be read (another
 *     kafka-clients version): possibly persisted.
 *
 * Nothing but frames goes to stdout: System.out is pointed at stderr before
 * anything can log, and log4j (configured by the driver) writes to stderr.
 */
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.utils.AppInfoParser;

public class Sidecar {
  static final int IN_CONFIG = 0, IN_RECORD = 1, IN_PURGE = 2, IN_CLOSE = 3;
  static final int OUT_READY = 1, OUT_REPORT = 2, OUT_STATS = 3, OUT_PURGED = 4, OUT_FATAL = 5;
  static final int PERSISTED = 0, POSSIBLY_PERSISTED = 1, NOT_PERSISTED = 2;
  static final long STATS_EVERY_MS = 500;

  /** One record to send. */
  static final class Rec {
    final long token;
    final byte[] key;
    final byte[] value;

    Rec(long token, byte[] key, byte[] value) {
      this.token = token;
      this.key = key;
      this.value = value;
    }
  }

  /** Markers that travel in the record queue, after the records they follow. */
  static final Object PURGED_MARK = new Object();
  static final Object END_MARK = new Object();

  static KafkaProducer<byte[], byte[]> producer;
  static String topic;
  static Out out;
  static Thread readerThread;
  static Thread senderThread;
  /** Set once purge starts: records not yet handed to the client are failed without sending. */
  static volatile boolean purging = false;
  static Metric requestTotal, outgoingBytes, retryTotal;

  public static void main(String[] args) throws Exception {
    // Frames only on the real stdout; anything printing to System.out lands on stderr.
    OutputStream stdout = new FileOutputStream(FileDescriptor.out);
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
    if (args.length > 0 && args[0].equals("--describe")) {
      describe(stdout);
      return;
    }
    ignoreSigint();
    readerThread = Thread.currentThread();
    out = new Out(stdout);
    In in = new In(new FileInputStream(FileDescriptor.in));
    try {
      if (in.readByte() != IN_CONFIG) throw new IOException("first frame is not CONFIG");
      topic = in.readString();
      Properties props = new Properties();
      int n = in.readInt();
      for (int i = 0; i < n; i++) props.put(in.readString(), in.readString());
      producer = new KafkaProducer<>(props);
      Internals.init(producer);
    } catch (EOFException e) {
      System.exit(0);
    } catch (Throwable e) {
      out.fatal(describe(e));
      out.finish();
      out.writer.join(5000);
      System.exit(2);
    }
    out.ready(AppInfoParser.getVersion());

    BlockingQueue<Object> queue = new ArrayBlockingQueue<>(64);
    senderThread = new Thread(() -> sendLoop(queue), "sismo-sender");
    senderThread.setDaemon(true);
    senderThread.start();
    List<Rec> batch = new ArrayList<>();
    boolean closed = false;
    try {
      while (true) {
        // Hand the records read so far to the sender before blocking on the pipe.
        if (!batch.isEmpty() && (!in.frameBuffered() || batch.size() >= 1024)) {
          queue.put(batch);
          batch = new ArrayList<>();
        }
        int type = in.readByte();
        if (type == IN_RECORD) {
          long token = in.readLong();
          int kl = in.readInt();
          byte[] key = null;
          if (kl >= 0) {
            key = in.readBytes(kl);
          }
          byte[] value = in.readBytes(in.readInt());
          batch.add(new Rec(token, key, value));
        } else if (type == IN_PURGE || type == IN_CLOSE) {
          if (!batch.isEmpty()) queue.put(batch);
          batch = new ArrayList<>();
          if (!closed) purgeAndClose();
          closed = true;
          if (type == IN_CLOSE) break;
          queue.put(PURGED_MARK);
        } else {
          throw new IOException("unknown frame type " + type);
        }
      }
    } catch (EOFException e) {
      // The driver closed stdin or its process died: stop as on CLOSE.
      if (!batch.isEmpty()) queue.put(batch);
      if (!closed) purgeAndClose();
    }
    queue.put(END_MARK);
    senderThread.join(10_000);
    out.finish();
    out.writer.join(10_000);
    System.exit(0);
  }

  /** The sender thread: hands records to the producer (send() may block on buffer.memory). */
  @SuppressWarnings("unchecked")
  static void sendLoop(BlockingQueue<Object> queue) {
    try {
      while (true) {
        Object item = queue.take();
        if (item == END_MARK) return;
        if (item == PURGED_MARK) {
          out.purged();
          continue;
        }
        for (Rec r : (List<Rec>) item) {
          Report cb = new Report(r.token);
          if (purging) {
            cb.onCompletion(null, new KafkaException("purged before it was handed to the producer"));
            continue;
          }
          try {
            cb.future = producer.send(new ProducerRecord<>(topic, r.key, r.value), cb);
          } catch (Throwable e) {
            // Thrown by send() itself (producer closed, interrupted, ...): never sent.
            cb.onCompletion(null, e instanceof Exception ? (Exception) e : new KafkaException(e));
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Purge: fail the batches never drained (through the accumulator's own
   * abortUndrainedBatches, reached by reflection; they are reported not
   * persisted), then close with a zero timeout, which fails every batch still
   * in flight with "Producer is closed forcefully." (possibly persisted). The
   * producer is unusable afterwards.
   */
  static void purgeAndClose() {
    purging = true;
    out.stats();
    try {
      Field f = KafkaProducer.class.getDeclaredField("accumulator");
      f.setAccessible(true);
      Object acc = f.get(producer);
      Method m = acc.getClass().getDeclaredMethod("abortUndrainedBatches", RuntimeException.class);
      m.setAccessible(true);
      m.invoke(acc, new KafkaException("purged before it was sent"));
    } catch (Throwable e) {
      // Another kafka-clients version: every pending record fails through close() instead,
      // reported possibly persisted (the safe side).
      System.err.println("WARN sismo sidecar: cannot abort undrained batches (" + e + ")");
    }
    try {
      producer.close(Duration.ZERO);
    } catch (Throwable e) {
      System.err.println("ERROR sismo sidecar: close failed: " + describe(e));
    }
    out.stats();
  }

  /** The per-record callback: one report per record, however often the client calls it. */
  static final class Report implements Callback {
    final long token;
    boolean done;
    /** What send() returned: leads to the record's batch (see Internals). */
    volatile java.util.concurrent.Future<RecordMetadata> future;

    Report(long token) {
      this.token = token;
    }

    @Override
    public void onCompletion(RecordMetadata md, Exception e) {
      synchronized (this) {
        if (done) return;
        done = true;
      }
      int partition = -1;
      long offset = -1;
      if (md != null) {
        try {
          partition = md.partition();
          offset = md.offset();
        } catch (RuntimeException ignored) {
          // Failed before a partition was chosen: metadata without a topic-partition.
        }
      }
      if (e == null) {
        // acks=0: the client never hears back and reports offset -1; passed on as it is.
        out.report(token, partition, offset, PERSISTED, null);
      } else {
        out.report(token, partition, -1, classify(future), describe(e));
      }
    }
  }

  static int classify(java.util.concurrent.Future<RecordMetadata> future) {
    Thread t = Thread.currentThread();
    if (t == readerThread || t == senderThread) return NOT_PERSISTED;
    return Internals.everDrained(future) == 0 ? NOT_PERSISTED : POSSIBLY_PERSISTED;
  }

  /**
   * kafka-clients internals read by reflection (classpath classes, so Java 17
   * allows it): a record's FutureRecordMetadata holds its batch's
   * ProduceRequestResult, which is the produceFuture of one ProducerBatch among
   * RecordAccumulator.incomplete until that batch's callbacks have all run.
   */
  static final class Internals {
    static boolean ok;
    static Object incomplete;
    static Method copyAll;
    static Field futureResult, batchFuture, batchDrainedMs, batchAttempts;
    static Object lastResult;
    static int lastAnswer;

    static void init(KafkaProducer<byte[], byte[]> p) {
      try {
        Field acc = KafkaProducer.class.getDeclaredField("accumulator");
        acc.setAccessible(true);
        Object accumulator = acc.get(p);
        Field inc = accumulator.getClass().getDeclaredField("incomplete");
        inc.setAccessible(true);
        incomplete = inc.get(accumulator);
        copyAll = incomplete.getClass().getDeclaredMethod("copyAll");
        copyAll.setAccessible(true);
        String pkg = "org.apache.kafka.clients.producer.internals.";
        futureResult = Class.forName(pkg + "FutureRecordMetadata").getDeclaredField("result");
        Class<?> batch = Class.forName(pkg + "ProducerBatch");
        batchFuture = batch.getDeclaredField("produceFuture");
        batchDrainedMs = batch.getDeclaredField("drainedMs");
        batchAttempts = batch.getDeclaredField("attempts");
        for (Field f : new Field[] {futureResult, batchFuture, batchDrainedMs, batchAttempts}) {
          f.setAccessible(true);
        }
        ok = true;
      } catch (Throwable e) {
        System.err.println("WARN sismo sidecar: cannot read the producer's batches (" + e
            + "): every failure on the network thread is reported possibly persisted");
      }
    }

    /** 1: the record's batch went into a produce request; 0: it never did; -1: unknown. */
    static synchronized int everDrained(java.util.concurrent.Future<RecordMetadata> future) {
      if (!ok || future == null) return -1;
      try {
        if (!futureResult.getDeclaringClass().isInstance(future)) return -1;
        Object result = futureResult.get(future);
        if (result == lastResult) return lastAnswer; // the batch's other records
        int answer = -1;
        for (Object b : (Iterable<?>) copyAll.invoke(incomplete)) {
          if (batchFuture.get(b) != result) continue;
          boolean drained = batchDrainedMs.getLong(b) > 0
              || ((java.util.concurrent.atomic.AtomicInteger) batchAttempts.get(b)).get() > 0;
          answer = drained ? 1 : 0;
          break;
        }
        lastResult = result;
        lastAnswer = answer;
        return answer;
      } catch (Throwable e) {
        return -1;
      }
    }
  }

  static String describe(Throwable e) {
    String msg = e.getMessage();
    return e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
  }

  static double metric(Metric m) {
    if (m == null) return 0;
    Object v = m.metricValue();
    return v instanceof Number ? ((Number) v).doubleValue() : 0;
  }

  /** request-total, outgoing-byte-total and record-retry-total of producer-metrics. */
  static double[] readStats() {
    KafkaProducer<byte[], byte[]> p = producer;
    if (p == null) return new double[] {0, 0, 0};
    if (requestTotal == null) {
      try {
        for (Map.Entry<MetricName, ? extends Metric> e : p.metrics().entrySet()) {
          MetricName n = e.getKey();
          if (!n.group().equals("producer-metrics")) continue;
          if (n.name().equals("request-total")) requestTotal = e.getValue();
          else if (n.name().equals("outgoing-byte-total")) outgoingBytes = e.getValue();
          else if (n.name().equals("record-retry-total")) retryTotal = e.getValue();
        }
      } catch (RuntimeException ignored) {
        // metrics closed
      }
    }
    try {
      return new double[] {metric(requestTotal), metric(outgoingBytes), metric(retryTotal)};
    } catch (RuntimeException e) {
      return new double[] {0, 0, 0};
    }
  }

  /**
   * Frames to stdout: producers append to a buffer under a lock (never blocking
   * on the pipe, so the client's network thread is not held up by a slow reader);
   * one writer thread swaps the buffer out and writes it, and adds a STATS frame
   * every 500 ms.
   */
  static final class Out {
    private final OutputStream os;
    private byte[] buf = new byte[1 << 16];
    private byte[] spare = new byte[1 << 16];
    private int len;
    private boolean finished;
    final Thread writer;

    Out(OutputStream os) {
      this.os = os;
      writer = new Thread(this::writeLoop, "sismo-writer");
      writer.setDaemon(true);
      writer.start();
    }

    private void ensure(int n) {
      if (len + n <= buf.length) return;
      byte[] b = new byte[Math.max(buf.length * 2, len + n)];
      System.arraycopy(buf, 0, b, 0, len);
      buf = b;
    }

    private void putInt(int v) {
      buf[len++] = (byte) (v >>> 24);
      buf[len++] = (byte) (v >>> 16);
      buf[len++] = (byte) (v >>> 8);
      buf[len++] = (byte) v;
    }

    private void putLong(long v) {
      putInt((int) (v >>> 32));
      putInt((int) v);
    }

    private void putString(byte[] s) {
      putInt(s.length);
      System.arraycopy(s, 0, buf, len, s.length);
      len += s.length;
    }

    private void wake(int before) {
      if (before == 0) notifyAll();
    }

    synchronized void report(long token, int partition, long offset, int status, String error) {
      int before = len;
      byte[] err = error == null ? null : error.getBytes(StandardCharsets.UTF_8);
      ensure(22 + (err == null ? 0 : 4 + err.length));
      buf[len++] = OUT_REPORT;
      putLong(token);
      putInt(partition);
      putLong(offset);
      buf[len++] = (byte) status;
      if (status != PERSISTED) putString(err == null ? new byte[0] : err);
      wake(before);
    }

    synchronized void ready(String version) {
      frameWithString(OUT_READY, version);
    }

    synchronized void fatal(String message) {
      frameWithString(OUT_FATAL, message);
    }

    private void frameWithString(int type, String s) {
      int before = len;
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      ensure(5 + b.length);
      buf[len++] = (byte) type;
      putString(b);
      wake(before);
    }

    synchronized void purged() {
      int before = len;
      ensure(1);
      buf[len++] = OUT_PURGED;
      wake(before);
    }

    void stats() {
      double[] s = readStats();
      synchronized (this) {
        int before = len;
        ensure(25);
        buf[len++] = OUT_STATS;
        for (double d : s) putLong(Double.doubleToLongBits(d));
        wake(before);
      }
    }

    synchronized void finish() {
      finished = true;
      notifyAll();
    }

    private void writeLoop() {
      long nextStats = System.currentTimeMillis() + STATS_EVERY_MS;
      try {
        while (true) {
          byte[] b;
          int n;
          boolean last;
          synchronized (this) {
            while (len == 0 && !finished) {
              long wait = nextStats - System.currentTimeMillis();
              if (wait <= 0) break;
              wait(wait);
            }
            b = buf;
            n = len;
            last = finished;
            buf = spare;
            spare = null;
            len = 0;
          }
          if (n > 0) {
            os.write(b, 0, n);
            os.flush();
          }
          synchronized (this) {
            spare = b.length > (1 << 20) ? new byte[1 << 16] : b;
          }
          if (last) return;
          if (System.currentTimeMillis() >= nextStats) {
            nextStats = System.currentTimeMillis() + STATS_EVERY_MS;
            if (producer != null && !purging) stats();
          }
        }
      } catch (IOException e) {
        // The driver is gone (broken pipe): nothing left to report to.
        Runtime.getRuntime().halt(3);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Frames from stdin, parsed from its own buffer (no call into the stream per field). */
  static final class In {
    private final InputStream is;
    private byte[] buf = new byte[1 << 20];
    private int pos, end;

    In(InputStream is) {
      this.is = is;
    }

    /** Make `n` bytes available from pos, reading (and blocking) as needed. */
    private void need(int n) throws IOException {
      while (end - pos < n) {
        if (pos > 0 && (pos > buf.length / 2 || buf.length - pos < n)) {
          System.arraycopy(buf, pos, buf, 0, end - pos);
          end -= pos;
          pos = 0;
        }
        if (buf.length < n) buf = java.util.Arrays.copyOf(buf, Math.max(n, buf.length * 2));
        int r = is.read(buf, end, buf.length - end);
        if (r < 0) throw new EOFException();
        end += r;
      }
    }

    private int intAt(int p) {
      return (buf[p] & 0xff) << 24 | (buf[p + 1] & 0xff) << 16 | (buf[p + 2] & 0xff) << 8
          | (buf[p + 3] & 0xff);
    }

    /** Is the next frame entirely in the buffer (so reading it will not block)? */
    boolean frameBuffered() {
      int avail = end - pos;
      if (avail < 1) return false;
      if (buf[pos] != IN_RECORD) return true;
      if (avail < 13) return false;
      int p = pos + 13 + Math.max(intAt(pos + 9), 0);
      if (end - p < 4) return false;
      return end - p - 4 >= intAt(p);
    }

    int readByte() throws IOException {
      need(1);
      return buf[pos++];
    }

    int readInt() throws IOException {
      need(4);
      int v = intAt(pos);
      pos += 4;
      return v;
    }

    long readLong() throws IOException {
      need(8);
      long v = (long) intAt(pos) << 32 | (intAt(pos + 4) & 0xffffffffL);
      pos += 8;
      return v;
    }

    byte[] readBytes(int n) throws IOException {
      need(n);
      byte[] b = java.util.Arrays.copyOfRange(buf, pos, pos + n);
      pos += n;
      return b;
    }

    String readString() throws IOException {
      return new String(readBytes(readInt()), StandardCharsets.UTF_8);
    }
  }

  /** --describe: the kafka-clients version, then every ProducerConfig name, one a line. */
  static void describe(OutputStream stdout) throws IOException {
    StringBuilder sb = new StringBuilder("version\t").append(AppInfoParser.getVersion()).append('\n');
    for (String name : new TreeSet<>(ProducerConfig.configNames())) sb.append(name).append('\n');
    stdout.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    stdout.flush();
  }

  /**
   * Ctrl-C reaches every process of the terminal's process group: the sidecar
   * ignores it and lets the driver purge and close it (or stdin EOF end it).
   * sun.misc.Signal by reflection, to keep the compiler quiet.
   */
  static void ignoreSigint() {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Object ignore = handler.getField("SIG_IGN").get(null);
      Object sigint = signal.getConstructor(String.class).newInstance("INT");
      signal.getMethod("handle", signal, handler).invoke(null, sigint, ignore);
    } catch (Throwable e) {
      System.err.println("WARN sismo sidecar: cannot ignore SIGINT (" + e + ")");
    }
  }
}
