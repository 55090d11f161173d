package io.regionmove.worker.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EncryptionKeysTest {

  private static final String KEY = AesGcmPayloadCodecTest.b64(AesGcmPayloadCodecTest.randomKey());

  @Test
  void noKeyMeansNoEncryption() {
    assertTrue(EncryptionKeys.from(Map.of()).isEmpty());
    assertTrue(EncryptionKeys.from(Map.of(EncryptionKeys.KEY_ENV, "  ")).isEmpty());
  }

  @Test
  void keyIdDefaultsToTheStartOfTheKeysHash() {
    EncryptionKeys keys = EncryptionKeys.from(Map.of(EncryptionKeys.KEY_ENV, KEY)).orElseThrow();
    assertTrue(keys.currentId().matches("[0-9a-f]{8}"), keys.currentId());
    assertEquals(
        keys.currentId(),
        EncryptionKeys.from(Map.of(EncryptionKeys.KEY_ENV, KEY)).orElseThrow().currentId());
    assertFalse(keys.toString().contains(KEY), "toString never shows a key");
  }

  @Test
  void oldKeysAreKeptAfterTheCurrentOne() {
    String old1 = AesGcmPayloadCodecTest.b64(AesGcmPayloadCodecTest.randomKey());
    String old2 = AesGcmPayloadCodecTest.b64(AesGcmPayloadCodecTest.randomKey());
    EncryptionKeys keys =
        EncryptionKeys.from(
                Map.of(
                    EncryptionKeys.KEY_ENV,
                    KEY,
                    EncryptionKeys.KEY_ID_ENV,
                    "v3",
                    EncryptionKeys.OLD_KEYS_ENV,
                    "v1:" + old1 + ", v2:" + old2))
            .orElseThrow();
    assertEquals(List.of("v3", "v1", "v2"), List.copyOf(keys.ids()));
  }

  @Test
  void badSettingsAreOneSentenceEach() {
    assertSentence(
        "REGIONMOVE_ENCRYPTION_KEY is not valid base64; make a key with `openssl rand -base64 32`.",
        Map.of(EncryptionKeys.KEY_ENV, "not base64 !"));
    assertSentence(
        "REGIONMOVE_ENCRYPTION_KEY decodes to 16 bytes, not 32; make a key with `openssl rand -base64 32`.",
        Map.of(EncryptionKeys.KEY_ENV, "AAAAAAAAAAAAAAAAAAAAAA=="));
    assertSentence(
        "REGIONMOVE_ENCRYPTION_KEY_ID has the key id 'a b'; a key id is 1 to 64 letters, digits, dots, dashes or underscores.",
        Map.of(EncryptionKeys.KEY_ENV, KEY, EncryptionKeys.KEY_ID_ENV, "a b"));
    assertSentence(
        "REGIONMOVE_ENCRYPTION_OLD_KEYS has an entry without an id; write it as id:base64key,id:base64key.",
        Map.of(EncryptionKeys.KEY_ENV, KEY, EncryptionKeys.OLD_KEYS_ENV, KEY));
    assertSentence(
        "REGIONMOVE_ENCRYPTION_OLD_KEYS (key v1) decodes to 3 bytes, not 32; make a key with `openssl rand -base64 32`.",
        Map.of(EncryptionKeys.KEY_ENV, KEY, EncryptionKeys.OLD_KEYS_ENV, "v1:AAAA"));
    assertSentence(
        "REGIONMOVE_ENCRYPTION_OLD_KEYS is set but REGIONMOVE_ENCRYPTION_KEY is not; set the current key too, or unset both to turn encryption off.",
        Map.of(EncryptionKeys.OLD_KEYS_ENV, "v1:" + KEY));
  }

  @Test
  void aKeyIdCannotNameTwoKeys() {
    String other = AesGcmPayloadCodecTest.b64(AesGcmPayloadCodecTest.randomKey());
    EncryptionConfigException e =
        assertThrows(
            EncryptionConfigException.class,
            () ->
                EncryptionKeys.from(
                    Map.of(
                        EncryptionKeys.KEY_ENV,
                        KEY,
                        EncryptionKeys.KEY_ID_ENV,
                        "v1",
                        EncryptionKeys.OLD_KEYS_ENV,
                        "v1:" + other)));
    assertTrue(e.getMessage().contains("names key id v1 twice"), e.getMessage());
  }

  private static void assertSentence(String expected, Map<String, String> variables) {
    EncryptionConfigException e =
        assertThrows(EncryptionConfigException.class, () -> EncryptionKeys.from(variables));
    assertEquals(expected, e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }
}
