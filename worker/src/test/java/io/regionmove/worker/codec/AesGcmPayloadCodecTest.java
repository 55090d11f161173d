package io.regionmove.worker.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.regionmove.worker.TemporalClients;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.payload.codec.PayloadCodecException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AesGcmPayloadCodecTest {

  private static final byte[] KEY_A = randomKey();
  private static final byte[] KEY_B = randomKey();

  private static final Payload JSON =
      Payload.newBuilder()
          .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
          .setData(ByteString.copyFromUtf8("{\"app\":\"my-app\",\"phase\":\"preflight\"}"))
          .build();

  @Test
  void encodedPayloadHoldsNothingOfThePlaintextAndDecodesBackExactly() {
    AesGcmPayloadCodec codec = new AesGcmPayloadCodec(EncryptionKeys.of("key-a", KEY_A));

    Payload encoded = codec.encode(List.of(JSON)).get(0);

    assertEquals(
        Map.of("encoding", "binary/encrypted", "encryption-key-id", "key-a"),
        Map.of(
            "encoding", encoded.getMetadataOrThrow("encoding").toStringUtf8(),
            "encryption-key-id", encoded.getMetadataOrThrow("encryption-key-id").toStringUtf8()));
    assertEquals(2, encoded.getMetadataCount(), "only the encoding and the key id are in clear");
    String data = encoded.getData().toString(StandardCharsets.ISO_8859_1);
    assertFalse(
        data.contains("my-app") || data.contains("preflight") || data.contains("json/plain"));
    assertEquals(JSON, codec.decode(List.of(encoded)).get(0));
  }

  @Test
  void eachEncodingUsesAFreshNonce() {
    AesGcmPayloadCodec codec = new AesGcmPayloadCodec(EncryptionKeys.of("key-a", KEY_A));
    assertNotEquals(
        codec.encode(List.of(JSON)).get(0).getData(), codec.encode(List.of(JSON)).get(0).getData());
  }

  @Test
  void plainPayloadsWrittenBeforeEncryptionDecodeAsTheyAre() {
    AesGcmPayloadCodec codec = new AesGcmPayloadCodec(EncryptionKeys.of("key-a", KEY_A));
    assertEquals(List.of(JSON), codec.decode(List.of(JSON)));
  }

  @Test
  void afterRotationOldPayloadsDecodeWithTheOldKeyAndNewOnesUseTheNewKey() {
    EncryptionKeys a = EncryptionKeys.of("key-a", KEY_A);
    Payload underA = new AesGcmPayloadCodec(a).encode(List.of(JSON)).get(0);

    AesGcmPayloadCodec rotated = new AesGcmPayloadCodec(a.rotateTo("key-b", KEY_B));
    Payload underB = rotated.encode(List.of(JSON)).get(0);

    assertEquals("key-b", underB.getMetadataOrThrow("encryption-key-id").toStringUtf8());
    assertEquals(List.of(JSON, JSON), rotated.decode(List.of(underA, underB)));
  }

  @Test
  void rotationThroughTheEnvironmentKeepsOldKeysForDecoding() {
    String a = b64(KEY_A);
    Payload underA =
        new AesGcmPayloadCodec(EncryptionKeys.from(Map.of(EncryptionKeys.KEY_ENV, a)).orElseThrow())
            .encode(List.of(JSON))
            .get(0);
    String idA = EncryptionKeys.defaultId(KEY_A);
    assertEquals(idA, underA.getMetadataOrThrow("encryption-key-id").toStringUtf8());

    EncryptionKeys rotated =
        EncryptionKeys.from(
                Map.of(
                    EncryptionKeys.KEY_ENV,
                    b64(KEY_B),
                    EncryptionKeys.KEY_ID_ENV,
                    "2026-b",
                    EncryptionKeys.OLD_KEYS_ENV,
                    idA + ":" + a))
            .orElseThrow();
    assertEquals("2026-b", rotated.currentId());
    assertEquals(JSON, new AesGcmPayloadCodec(rotated).decode(List.of(underA)).get(0));
  }

  @Test
  void unknownKeyIdIsAClearError() {
    Payload underA =
        new AesGcmPayloadCodec(EncryptionKeys.of("key-a", KEY_A)).encode(List.of(JSON)).get(0);
    AesGcmPayloadCodec onlyB = new AesGcmPayloadCodec(EncryptionKeys.of("key-b", KEY_B));

    PayloadCodecException e =
        assertThrows(PayloadCodecException.class, () -> onlyB.decode(List.of(underA)));
    assertEquals(
        "A payload is encrypted with key id key-a, which is not configured (known: key-b); add it to"
            + " REGIONMOVE_ENCRYPTION_OLD_KEYS as key-a:BASE64KEY.",
        e.getMessage());
  }

  @Test
  void tamperedCiphertextDoesNotDecrypt() {
    AesGcmPayloadCodec codec = new AesGcmPayloadCodec(EncryptionKeys.of("key-a", KEY_A));
    Payload encoded = codec.encode(List.of(JSON)).get(0);
    byte[] data = encoded.getData().toByteArray();
    data[data.length / 2] ^= 1;
    Payload tampered = encoded.toBuilder().setData(ByteString.copyFrom(data)).build();

    PayloadCodecException e =
        assertThrows(PayloadCodecException.class, () -> codec.decode(List.of(tampered)));
    assertTrue(e.getMessage().contains("does not decrypt: it was altered"), e.getMessage());
  }

  @Test
  void relabelledKeyIdDoesNotDecrypt() {
    byte[] same = KEY_A.clone();
    AesGcmPayloadCodec codec =
        new AesGcmPayloadCodec(EncryptionKeys.of("key-a", KEY_A).rotateTo("alias", same));
    Payload encoded = codec.encode(List.of(JSON)).get(0);
    Payload relabelled =
        encoded.toBuilder()
            .putMetadata("encryption-key-id", ByteString.copyFromUtf8("key-a"))
            .build();
    assertThrows(PayloadCodecException.class, () -> codec.decode(List.of(relabelled)));
  }

  @Test
  void truncatedCiphertextDoesNotDecrypt() {
    AesGcmPayloadCodec codec = new AesGcmPayloadCodec(EncryptionKeys.of("key-a", KEY_A));
    Payload encoded = codec.encode(List.of(JSON)).get(0);
    Payload cut = encoded.toBuilder().setData(encoded.getData().substring(0, 10)).build();
    assertThrows(PayloadCodecException.class, () -> codec.decode(List.of(cut)));
  }

  @Test
  void theClientsDataConverterRoundTripsValuesAndFailures() {
    DataConverter converter =
        TemporalClients.dataConverter(Optional.of(EncryptionKeys.of("key-a", KEY_A)));
    Payload payload = converter.toPayload(Map.of("app", "my-app")).orElseThrow();
    assertArrayEquals(
        "binary/encrypted".getBytes(StandardCharsets.UTF_8),
        payload.getMetadataOrThrow("encoding").toByteArray());
    assertEquals(Map.of("app", "my-app"), converter.fromPayload(payload, Map.class, Map.class));

    var failure = converter.exceptionToFailure(new IllegalStateException("app my-app is frozen"));
    assertFalse(
        failure.getMessage().contains("my-app"),
        "failure messages are encrypted: " + failure.getMessage());
    assertTrue(converter.failureToException(failure).getMessage().contains("app my-app is frozen"));
  }

  static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  static String b64(byte[] key) {
    return java.util.Base64.getEncoder().encodeToString(key);
  }
}
