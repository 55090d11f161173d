package io.regionmove.activities.data.redis;

import io.regionmove.activities.data.DataProgress;
import io.regionmove.activities.data.Heartbeat;
import io.regionmove.activities.data.Redaction;
import io.regionmove.activities.data.ToolFailedException;
import io.regionmove.model.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisException;

/** What the redis backup, restore and verification share. */
final class RedisJobs {

  /** The backup's one unit, as the manifest names tables: the addon's key space. */
  static final String KEYSPACE = "keyspace";

  /** Replies are awaited this long: a DUMP or RESTORE of a very large key takes a while. */
  static final int REPLY_TIMEOUT_MILLIS = 120_000;

  private static final long STOP_WAIT_SECONDS = 10;

  private RedisJobs() {}

  /**
   * Runs {@code work} in the background while the calling thread heartbeats its progress. When the
   * activity is cancelled, or anything fails, {@code stop} closes the work's connections (a thread
   * waiting for a reply would not notice an interruption) and the work is waited for, so that
   * nothing is written after this returns.
   */
  static <T> T inBackground(
      ExecutorService executor,
      Heartbeat heartbeat,
      Callable<T> work,
      Supplier<DataProgress> progress,
      Runnable stop) {
    CountDownLatch ended = new CountDownLatch(1);
    Future<T> running =
        executor.submit(
            () -> {
              try {
                return work.call();
              } finally {
                ended.countDown();
              }
            });
    try {
      return heartbeat.await(running, progress);
    } catch (RuntimeException | Error e) {
      running.cancel(true);
      stop.run();
      try {
        ended.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      throw e;
    }
  }

  /**
   * A heartbeat of a redis job: the engine's unit is the key, so {@code tablesDone} and {@code
   * tables} count keys (done, and in all when known, else 0).
   */
  static DataProgress progress(String addonId, String stage, long bytes, long keysDone, long keys) {
    return new DataProgress(addonId, stage, bytes, clamp(keysDone), clamp(keys));
  }

  private static int clamp(long count) {
    return (int) Math.min(count, Integer.MAX_VALUE);
  }

  /** The result of work done beside the caller; its unchecked failure is thrown as it is. */
  static <T> T join(Future<T> work) throws InterruptedException, ExecutionException {
    try {
      return work.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw e;
    }
  }

  /** Closes a connection, from any thread; a thread blocked on it gets an exception. */
  static void closeQuietly(Jedis jedis) {
    if (jedis == null) {
      return;
    }
    try {
      jedis.close();
    } catch (RuntimeException e) {
      // closing is all that was wanted
    }
  }

  /** Stops the loop of a background job when its activity is cancelled. */
  static void checkInterrupted() throws InterruptedException {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedException();
    }
  }

  /**
   * A failure of a redis server: refused credentials or a refused command fail for good (a retry
   * gets the same answer), anything else may pass (the server restarted, a connection dropped).
   */
  static RuntimeException failed(String side, JedisException e) {
    String message = Redaction.redact(String.valueOf(e.getMessage()));
    if (e instanceof JedisAccessControlException) {
      return ApplicationFailure.newNonRetryableFailure(
          "The " + side + " redis server refused the addon's credentials or a command: " + message,
          FailureType.INVALID_REQUEST.name());
    }
    return new ToolFailedException(side + " redis server: " + message);
  }

  static ToolFailedException storeFailed(IOException e) {
    return new ToolFailedException("backup store: " + Redaction.redact(e.toString()));
  }

  /** The server's version, as {@code HELLO} tells it to any user ("unknown" if it does not). */
  static String serverVersion(Jedis jedis) {
    Object reply = jedis.sendCommand(Protocol.Command.HELLO);
    if (reply instanceof List<?> fields) {
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        if (fields.get(i) instanceof byte[] name
            && "version".equals(new String(name, StandardCharsets.UTF_8))
            && fields.get(i + 1) instanceof byte[] value) {
          return new String(value, StandardCharsets.UTF_8);
        }
      }
    } else if (reply instanceof Map<?, ?> map) {
      Object value = map.get("version");
      if (value != null) {
        return value.toString();
      }
    }
    return "unknown";
  }

  /**
   * A key's name as reports show it: printable ASCII as it is, any other byte (and the backslash)
   * as {@code \xNN}; at most 200 characters.
   */
  static String show(byte[] key) {
    StringBuilder shown = new StringBuilder();
    for (byte b : key) {
      int c = b & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        shown.append((char) c);
      } else {
        shown.append(String.format("\\x%02x", c));
      }
      if (shown.length() >= 200) {
        return shown.append("...").toString();
      }
    }
    return shown.toString();
  }
}
