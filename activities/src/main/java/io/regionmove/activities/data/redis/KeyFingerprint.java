package io.regionmove.activities.data.redis;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.resps.Tuple;

/**
 * A key's type and a digest of its value that does not depend on how the server stores it: the
 * comparison a verification falls back on when the two servers serialize the same value differently
 * (a large hash or set is a hash table, whose order differs from server to server). Lists, sorted
 * sets and streams are digested in their order; hashes and sets as the sum of their elements'
 * digests, in any order. A stream's digest covers its entries with their ids, its last id and
 * counters, and each consumer group with its last delivered id and pending entries.
 */
record KeyFingerprint(String type, byte[] digest) {

  private static final int CHUNK = 10_000;
  private static final BigInteger MODULUS = BigInteger.ONE.shiftLeft(256);

  /**
   * The fingerprints of the keys (null for a key that does not exist), in their order: strings,
   * hashes and sets are read in two pipelines (types, then values), other types one by one, in
   * chunks.
   */
  static List<KeyFingerprint> readAll(Jedis jedis, List<byte[]> keys) {
    Pipeline pipeline = jedis.pipelined();
    List<Response<String>> types = new ArrayList<>(keys.size());
    keys.forEach(key -> types.add(pipeline.type(key)));
    pipeline.sync();
    List<Response<?>> values = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      values.add(
          switch (types.get(i).get()) {
            case "string" -> pipeline.get(keys.get(i));
            case "hash" -> pipeline.hgetAll(keys.get(i));
            case "set" -> pipeline.smembers(keys.get(i));
            default -> null;
          });
    }
    pipeline.sync();
    List<KeyFingerprint> prints = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      String type = types.get(i).get();
      Object value = values.get(i) == null ? null : values.get(i).get();
      if (value == null) {
        // another type, or a key that changed type or vanished since: read on its own
        prints.add(type.equals("none") ? null : read(jedis, keys.get(i)));
      } else {
        prints.add(digest(type, value));
      }
    }
    return prints;
  }

  @SuppressWarnings("unchecked")
  private static KeyFingerprint digest(String type, Object value) {
    MessageDigest digest = sha256();
    switch (type) {
      case "string" -> feed(digest, (byte[]) value);
      case "hash" -> {
        Unordered sum = new Unordered();
        ((Map<byte[], byte[]>) value).forEach(sum::add);
        feed(digest, sum.value());
      }
      default -> {
        Unordered sum = new Unordered();
        ((Set<byte[]>) value).forEach(sum::add);
        feed(digest, sum.value());
      }
    }
    return new KeyFingerprint(type, digest.digest());
  }

  /** The fingerprint of the key, or null when it does not exist. */
  static KeyFingerprint read(Jedis jedis, byte[] key) {
    String type = jedis.type(key);
    MessageDigest digest = sha256();
    switch (type) {
      case "none" -> {
        return null;
      }
      case "string" -> feed(digest, jedis.get(key));
      case "list" -> {
        for (long start = 0; ; start += CHUNK) {
          List<byte[]> chunk = jedis.lrange(key, start, start + CHUNK - 1);
          chunk.forEach(e -> feed(digest, e));
          if (chunk.size() < CHUNK) {
            break;
          }
        }
      }
      case "hash" -> {
        return digest(type, jedis.hgetAll(key));
      }
      case "set" -> {
        return digest(type, jedis.smembers(key));
      }
      case "zset" -> {
        for (long start = 0; ; start += CHUNK) {
          List<Tuple> chunk = jedis.zrangeWithScores(key, start, start + CHUNK - 1);
          for (Tuple member : chunk) {
            feed(digest, member.getBinaryElement());
            feed(digest, Double.toString(member.getScore()).getBytes(StandardCharsets.US_ASCII));
          }
          if (chunk.size() < CHUNK) {
            break;
          }
        }
      }
      case "stream" -> stream(jedis, key, digest);
      default -> throw new IllegalStateException("keys of type " + type + " cannot be compared");
    }
    return new KeyFingerprint(type, digest.digest());
  }

  boolean sameAs(KeyFingerprint other) {
    return other != null && type.equals(other.type) && Arrays.equals(digest, other.digest);
  }

  private static void stream(Jedis jedis, byte[] key, MessageDigest digest) {
    byte[] start = bytes("-");
    while (true) {
      List<?> entries =
          (List<?>)
              jedis.sendCommand(
                  Protocol.Command.XRANGE,
                  key,
                  start,
                  bytes("+"),
                  bytes("COUNT"),
                  bytes(Integer.toString(CHUNK)));
      feedReply(digest, entries);
      if (entries.size() < CHUNK) {
        break;
      }
      byte[] lastId = (byte[]) ((List<?>) entries.get(entries.size() - 1)).get(0);
      start = concat(bytes("("), lastId);
    }
    List<?> info = (List<?>) jedis.sendCommand(Protocol.Command.XINFO, bytes("STREAM"), key);
    for (int i = 0; i + 1 < info.size(); i += 2) {
      String name = new String((byte[]) info.get(i), StandardCharsets.UTF_8);
      if (List.of(
              "length",
              "last-generated-id",
              "max-deleted-entry-id",
              "entries-added",
              "recorded-first-entry-id")
          .contains(name)) {
        feed(digest, bytes(name));
        feedReply(digest, info.get(i + 1));
      }
    }
    List<?> groups = (List<?>) jedis.sendCommand(Protocol.Command.XINFO, bytes("GROUPS"), key);
    for (Object group : groups) {
      feedReply(digest, group);
      List<?> fields = (List<?>) group;
      byte[] name = null;
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        if ("name".equals(new String((byte[]) fields.get(i), StandardCharsets.UTF_8))) {
          name = (byte[]) fields.get(i + 1);
        }
      }
      // Pending entries with their consumers and delivery counts; not their idle times.
      List<?> pending =
          (List<?>)
              jedis.sendCommand(
                  Protocol.Command.XPENDING,
                  key,
                  name,
                  bytes("-"),
                  bytes("+"),
                  bytes(Long.toString(Long.MAX_VALUE >> 1)));
      for (Object entry : pending) {
        List<?> e = (List<?>) entry;
        feedReply(digest, List.of(e.get(0), e.get(1), e.get(3)));
      }
    }
  }

  /** A sum of digests modulo 2^256: the same for the same elements in any order. */
  private static final class Unordered {
    private BigInteger sum = BigInteger.ZERO;
    private long count;

    void add(byte[]... parts) {
      MessageDigest element = sha256();
      for (byte[] part : parts) {
        feed(element, part);
      }
      sum = sum.add(new BigInteger(1, element.digest())).mod(MODULUS);
      count++;
    }

    byte[] value() {
      return ByteBuffer.allocate(8 + 33).putLong(count).put(sum.toByteArray()).array();
    }
  }

  private static void feedReply(MessageDigest digest, Object reply) {
    if (reply == null) {
      digest.update((byte) 'n');
    } else if (reply instanceof byte[] bytes) {
      digest.update((byte) 'b');
      feed(digest, bytes);
    } else if (reply instanceof Long number) {
      digest.update((byte) 'i');
      digest.update(ByteBuffer.allocate(8).putLong(number).array());
    } else if (reply instanceof List<?> list) {
      digest.update((byte) 'l');
      digest.update(ByteBuffer.allocate(4).putInt(list.size()).array());
      list.forEach(item -> feedReply(digest, item));
    } else {
      feed(digest, bytes(reply.toString()));
    }
  }

  /** Feeds a length-prefixed value, so that no two sequences of values feed the same bytes. */
  private static void feed(MessageDigest digest, byte[] value) {
    if (value == null) {
      digest.update(ByteBuffer.allocate(4).putInt(-1).array());
      return;
    }
    digest.update(ByteBuffer.allocate(4).putInt(value.length).array());
    digest.update(value);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] joined = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    return joined;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM offers no SHA-256", e);
    }
  }
}
