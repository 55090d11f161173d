package io.regionmove.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.cli.CliProcess;
import io.regionmove.testkit.RegionmoveTestStack;
import io.regionmove.testkit.WorkerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The frontend over TLS ({@code deploy/temporal-cluster.sh up --tls}): the CLI and a worker connect
 * through the SDK's {@code TEMPORAL_TLS_*} variables and run a migration; a wrong CA, a missing CA
 * file and a plain-text client each get one sentence and exit code 3, never a stack trace.
 */
class TemporalClusterTlsIT {

  @RegisterExtension
  static final RegionmoveTestStack stack =
      RegionmoveTestStack.onServer(TemporalCluster.of(1, true));

  private static Path wrongCa;

  @BeforeAll
  static void makeAnotherCa() throws Exception {
    Path dir = stack.dir();
    wrongCa = dir.resolve("other-ca.pem");
    Process openssl =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=another CA",
                "-keyout",
                dir.resolve("other-ca.key").toString(),
                "-out",
                wrongCa.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("openssl.log").toFile())
            .start();
    assertTrue(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0, "openssl");
  }

  @Test
  void theCliAndAWorkerRunAMigrationOverTls() {
    stack.seedSourceApp("tls-app", 500);
    WorkerProcess worker =
        stack
            .startWorkerProcess(WorkerProcess.Launch.regionmoveWorker())
            .awaitStarted(Duration.ofSeconds(60));
    assertTrue(worker.process().isAlive());

    Map<String, String> env = cli();
    CliProcess.Result created =
        run(env, "migration-create", "--to", RegionmoveTestStack.DESTINATION);
    assertEquals(0, created.exitCode(), created::toString);
    Matcher id = Pattern.compile("Migration ID: (\\S+)").matcher(created.stdout());
    assertTrue(id.find(), created::toString);
    CliProcess.Result prepared = run(env, "migration-run", "--prepare", id.group(1));
    assertEquals(0, prepared.exitCode(), prepared::toString);
    CliProcess.Result finalized = run(env, "migration-run", "--finalize", id.group(1));
    assertEquals(0, finalized.exitCode(), finalized::toString);
    assertTrue(
        finalized.stdout().contains("Your application is now available at:"), finalized::toString);
  }

  @Test
  void aWrongCaIsOneSentenceAndExitCode3() {
    Map<String, String> env = cli();
    env.put("TEMPORAL_TLS_SERVER_CA_CERT_PATH", wrongCa.toString());
    CliProcess.Result result = run(env, "migrations");
    assertOneSentence(result, "presented a TLS certificate that the CA in " + wrongCa);
    assertTrue(result.stderr().contains("does not trust"), result::toString);

    // The worker refuses to start the same way.
    CliProcess.Result worker =
        CliProcess.run(env, List.of("worker", "--regions", RegionmoveTestStack.SOURCE));
    assertOneSentence(worker, "does not trust");
  }

  @Test
  void aMissingCaFileIsOneSentenceAndExitCode3() {
    Map<String, String> env = cli();
    Path missing = stack.dir().resolve("no-such-ca.pem");
    env.put("TEMPORAL_TLS_SERVER_CA_CERT_PATH", missing.toString());
    assertOneSentence(
        run(env, "migrations"),
        "The TLS file " + missing + " (TEMPORAL_TLS_SERVER_CA_CERT_PATH) does not exist");
  }

  @Test
  void aPlainTextClientIsToldTheServerMayUseTls() {
    Map<String, String> env = cli();
    env.remove("TEMPORAL_TLS_SERVER_CA_CERT_PATH");
    assertOneSentence(
        run(env, "migrations"), "if it uses TLS, set TEMPORAL_TLS_SERVER_CA_CERT_PATH");
  }

  /** A CLI's environment: the cluster's Temporal variables (its CA), the stack's regions. */
  private static Map<String, String> cli() {
    Map<String, String> env = new HashMap<>(stack.temporalEnvironment());
    env.put("REGIONMOVE_HOME", stack.dir().resolve("cli-home").toString());
    env.put("REGIONMOVE_REGIONS", stack.regionsFile().toString());
    return env;
  }

  private static CliProcess.Result run(Map<String, String> env, String... command) {
    List<String> args =
        new ArrayList<>(List.of("--region", RegionmoveTestStack.SOURCE, "--app", "tls-app"));
    args.addAll(List.of(command));
    return CliProcess.run(env, args);
  }

  private static void assertOneSentence(CliProcess.Result result, String expected) {
    assertEquals(3, result.exitCode(), result::toString);
    List<String> lines = result.stderr().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), result::toString);
    assertTrue(lines.get(0).contains(expected), result::toString);
    assertTrue(lines.get(0).endsWith("."), result::toString);
    assertFalse(result.stderr().contains("\tat "), "no stack trace: " + result);
  }
}
