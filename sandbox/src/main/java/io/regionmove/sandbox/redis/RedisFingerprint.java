package io.regionmove.sandbox.redis;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol.Command;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * What a redis database holds, key by key, read with plain commands apart from any copy of it: each
 * key's type, a SHA-256 of its value in a canonical form (hash fields and set members sorted,
 * lists, sorted sets and stream entries in their order, a stream's consumer groups with their last
 * delivered id and pending count) and its remaining time to live. Two databases hold the same data
 * when they have the same keys, each of the same type and value, with times to live within a
 * tolerance (both count down while they are read).
 */
public final class RedisFingerprint {

  /**
   * One key.
   *
   * @param type as {@code TYPE} names it: string, hash, list, set, zset, stream
   * @param digest hex SHA-256 of the value's canonical form
   * @param ttlMillis remaining time to live, -1 for none
   */
  public record Key(String type, String digest, long ttlMillis) {}

  private static final int BATCH = 500;

  /** Generous: a big database, or a server paused by a test, answers late. */
  private static final int REPLY_TIMEOUT_MILLIS = 60_000;

  /** Key names as ISO-8859-1 strings: one char per byte, so any binary name maps one to one. */
  private final Map<String, Key> keys;

  private RedisFingerprint(Map<String, Key> keys) {
    this.keys = Collections.unmodifiableMap(keys);
  }

  /**
   * Reads every key of the database at {@code url} ({@code redis://user:password@host:port/db}).
   */
  public static RedisFingerprint of(String url) {
    try (Jedis jedis = new Jedis(URI.create(url), REPLY_TIMEOUT_MILLIS)) {
      List<byte[]> names = new ArrayList<>();
      ScanParams params = new ScanParams().count(1_000);
      byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
      do {
        ScanResult<byte[]> page = jedis.scan(cursor, params);
        names.addAll(page.getResult());
        cursor = page.getCursorAsBytes();
      } while (!Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));
      Map<String, Key> keys = new TreeMap<>();
      for (int from = 0; from < names.size(); from += BATCH) {
        read(jedis, names.subList(from, Math.min(names.size(), from + BATCH)), keys);
      }
      return new RedisFingerprint(keys);
    }
  }

  /** Each key's fingerprint by name (names as ISO-8859-1 strings, one char per byte). */
  public Map<String, Key> keys() {
    return keys;
  }

  public int size() {
    return keys.size();
  }

  /**
   * A hex SHA-256 over every key's name, type, value digest and whether it expires (not how soon:
   * that changes as it is read), in name order; equal for equal databases.
   */
  public String digest() {
    MessageDigest sha = sha256();
    keys.forEach(
        (name, key) -> {
          feed(sha, name.getBytes(StandardCharsets.ISO_8859_1));
          feed(sha, key.type().getBytes(StandardCharsets.US_ASCII));
          feed(sha, key.digest().getBytes(StandardCharsets.US_ASCII));
          feed(sha, new byte[] {(byte) (key.ttlMillis() < 0 ? 0 : 1)});
        });
    return HexFormat.of().formatHex(sha.digest());
  }

  /**
   * What differs from {@code other}, one line per key (at most {@code limit} lines): missing,
   * unexpected, of another type, of another value, or with a time to live further apart than {@code
   * ttlToleranceMillis}; empty when both hold the same data.
   */
  public List<String> differencesFrom(RedisFingerprint other, long ttlToleranceMillis, int limit) {
    List<String> lines = new ArrayList<>();
    Set<String> all = new TreeSet<>(keys.keySet());
    all.addAll(other.keys.keySet());
    for (String name : all) {
      Key mine = keys.get(name);
      Key theirs = other.keys.get(name);
      String shown = show(name);
      String difference = null;
      if (theirs == null) {
        difference = shown + ": missing";
      } else if (mine == null) {
        difference = shown + ": not expected";
      } else if (!mine.type().equals(theirs.type())) {
        difference = shown + ": " + mine.type() + " expected, " + theirs.type() + " found";
      } else if (!mine.digest().equals(theirs.digest())) {
        difference = shown + ": value differs";
      } else if ((mine.ttlMillis() < 0) != (theirs.ttlMillis() < 0)
          || Math.abs(mine.ttlMillis() - theirs.ttlMillis()) > ttlToleranceMillis) {
        difference = shown + ": TTL " + mine.ttlMillis() + " ms expected, " + theirs.ttlMillis();
      }
      if (difference != null) {
        if (lines.size() == limit) {
          lines.add("...");
          break;
        }
        lines.add(difference);
      }
    }
    return lines;
  }

  private static void read(Jedis jedis, List<byte[]> names, Map<String, Key> into) {
    Pipeline pipeline = jedis.pipelined();
    List<Response<String>> types = new ArrayList<>();
    List<Response<Long>> ttls = new ArrayList<>();
    for (byte[] name : names) {
      types.add(pipeline.type(name));
      ttls.add(pipeline.pttl(name));
    }
    pipeline.sync();
    pipeline = jedis.pipelined();
    List<List<Response<Object>>> values = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      values.add(readValue(pipeline, names.get(i), types.get(i).get()));
    }
    pipeline.sync();
    for (int i = 0; i < names.size(); i++) {
      String type = types.get(i).get();
      if ("none".equals(type)) {
        continue; // expired while it was read
      }
      MessageDigest sha = sha256();
      List<Response<Object>> parts = values.get(i);
      for (int part = 0; part < parts.size(); part++) {
        feed(sha, canonical(type, part, parts.get(part).get()));
      }
      into.put(
          new String(names.get(i), StandardCharsets.ISO_8859_1),
          new Key(type, HexFormat.of().formatHex(sha.digest()), ttls.get(i).get()));
    }
  }

  private static List<Response<Object>> readValue(Pipeline p, byte[] name, String type) {
    return switch (type) {
      case "string" -> List.of(p.sendCommand(Command.GET, name));
      case "hash" -> List.of(p.sendCommand(Command.HGETALL, name));
      case "list" -> List.of(p.sendCommand(Command.LRANGE, name, bytes("0"), bytes("-1")));
      case "set" -> List.of(p.sendCommand(Command.SMEMBERS, name));
      case "zset" ->
          List.of(
              p.sendCommand(Command.ZRANGE, name, bytes("0"), bytes("-1"), bytes("WITHSCORES")));
      case "stream" ->
          List.of(
              p.sendCommand(Command.XRANGE, name, bytes("-"), bytes("+")),
              p.sendCommand(Command.XINFO, bytes("GROUPS"), name));
      default -> List.of();
    };
  }

  /**
   * Part {@code part} of a value (see {@link #readValue}) in a form that does not depend on the
   * order Redis happens to return it in.
   */
  private static Object canonical(String type, int part, Object reply) {
    if (!(reply instanceof List<?> items)) {
      return reply;
    }
    return switch (type) {
      case "hash" -> sortedPairs(items);
      case "set" -> sorted(items);
      case "stream" -> part == 1 ? groups(items) : items;
      default -> items;
    };
  }

  /**
   * A stream's consumer groups (XINFO GROUPS, in name order): name, last delivered id and pending
   * count.
   */
  private static Object groups(List<?> items) {
    List<Object> kept = new ArrayList<>();
    for (Object group : items) {
      List<?> fields = (List<?>) group;
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        String field = new String((byte[]) fields.get(i), StandardCharsets.US_ASCII);
        if (field.equals("name") || field.equals("last-delivered-id") || field.equals("pending")) {
          kept.add(fields.get(i));
          kept.add(fields.get(i + 1));
        }
      }
    }
    return kept;
  }

  private static List<Object> sorted(List<?> items) {
    List<byte[]> all = new ArrayList<>();
    items.forEach(i -> all.add((byte[]) i));
    all.sort(Arrays::compareUnsigned);
    return new ArrayList<>(all);
  }

  private static List<Object> sortedPairs(List<?> items) {
    List<byte[][]> pairs = new ArrayList<>();
    for (int i = 0; i + 1 < items.size(); i += 2) {
      pairs.add(new byte[][] {(byte[]) items.get(i), (byte[]) items.get(i + 1)});
    }
    pairs.sort(Comparator.comparing((byte[][] pair) -> pair[0], Arrays::compareUnsigned));
    List<Object> flat = new ArrayList<>();
    for (byte[][] pair : pairs) {
      flat.add(pair[0]);
      flat.add(pair[1]);
    }
    return flat;
  }

  /** Feeds a reply, each part length-prefixed so that no two replies feed the same bytes. */
  private static void feed(MessageDigest sha, Object reply) {
    if (reply == null) {
      sha.update((byte) 'N');
    } else if (reply instanceof byte[] data) {
      feed(sha, data);
    } else if (reply instanceof Long number) {
      sha.update((byte) 'I');
      feed(sha, Long.toString(number).getBytes(StandardCharsets.US_ASCII));
    } else if (reply instanceof List<?> items) {
      sha.update((byte) 'L');
      feed(sha, Integer.toString(items.size()).getBytes(StandardCharsets.US_ASCII));
      items.forEach(item -> feed(sha, item));
    } else {
      feed(sha, reply.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void feed(MessageDigest sha, byte[] data) {
    sha.update((byte) 'B');
    sha.update(Integer.toString(data.length).getBytes(StandardCharsets.US_ASCII));
    sha.update((byte) ':');
    sha.update(data);
  }

  /** A name as text where it is printable, with other bytes as \xNN. */
  static String show(String name) {
    StringBuilder shown = new StringBuilder();
    for (char c : name.toCharArray()) {
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        shown.append(c);
      } else {
        shown.append(String.format("\\x%02x", (int) c));
      }
      if (shown.length() > 80) {
        return shown.append("...").toString();
      }
    }
    return shown.toString();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM offers no SHA-256", e);
    }
  }
}
