package io.regionmove.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NotifyUrlsTest {

  @Test
  void optionsComeFirstInOrderOnceEach() {
    assertEquals(
        List.of("https://a.example.com/hook", "http://127.0.0.1:9000/h?token=x"),
        NotifyUrls.resolve(
            List.of(
                "https://a.example.com/hook",
                "http://127.0.0.1:9000/h?token=x",
                "https://a.example.com/hook"),
            "https://ignored.example.com/"));
  }

  @Test
  void theVariableIsTheDefaultCommaSeparated() {
    assertEquals(
        List.of("https://a.example.com/hook", "https://b.example.com/"),
        NotifyUrls.resolve(null, " https://a.example.com/hook, ,https://b.example.com/ "));
    assertEquals(List.of(), NotifyUrls.resolve(List.of(), null));
    assertEquals(List.of(), NotifyUrls.resolve(List.of(), " "));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://files.example.com/x", "hooks.example.com/x", "https://", "a b"})
  void aUrlThatIsNotHttpIsAUsageError(String url) {
    CliException e = assertThrows(CliException.class, () -> NotifyUrls.resolve(List.of(url), null));
    assertEquals(ExitCodes.USAGE, e.exitCode());
    assertEquals(
        "--notify '"
            + url
            + "' is not a webhook URL; give an http:// or https:// URL such as"
            + " https://hooks.example.com/regionmove.",
        e.getMessage());
  }

  @Test
  void aBadUrlInTheVariableNamesTheVariable() {
    CliException e =
        assertThrows(
            CliException.class,
            () -> NotifyUrls.resolve(null, "https://ok.example.com/,mailto:ops@example.com"));
    assertEquals(ExitCodes.USAGE, e.exitCode());
    assertEquals(
        "REGIONMOVE_NOTIFY_URLS holds 'mailto:ops@example.com', which is not a webhook URL; give"
            + " an http:// or https:// URL such as https://hooks.example.com/regionmove.",
        e.getMessage());
  }
}
