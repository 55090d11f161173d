package io.regionmove.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.activities.config.RegionsConfigException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class WorkerMainTest {

  @Test
  void regionsComeFromACommaSeparatedFlag() {
    assertEquals(Set.of(), parse().regionNames());
    assertEquals(
        List.of("agora-fr1", "osc-fr1"),
        List.copyOf(parse("--regions", "agora-fr1, osc-fr1").regionNames()));
    assertEquals(Set.of("osc-fr1"), parse("--regions=osc-fr1").regionNames());
  }

  @Test
  void aMissingValueOrAnUnknownArgumentIsAUsageErrorInOneSentence() {
    StringWriter missing = new StringWriter();
    assertEquals(2, run(WorkerMain.commandLine(), missing, "--regions"));
    assertTrue(missing.toString().contains("--regions"), missing.toString());
    assertEquals(1, missing.toString().lines().count(), missing.toString());

    StringWriter unknown = new StringWriter();
    assertEquals(2, run(WorkerMain.commandLine(), unknown, "--region", "x"));
    assertTrue(unknown.toString().contains("'--region'"), unknown.toString());
    assertTrue(unknown.toString().endsWith("See 'worker --help'.\n"), unknown.toString());
  }

  @Test
  void aRegionsFileThatCannotBeReadIsAUsageErrorAndTheCommandReturnsInsteadOfExiting() {
    WorkerCommand command =
        new WorkerCommand(
            () -> {
              throw new RegionsConfigException("REGIONMOVE_REGIONS is not set.");
            });
    StringWriter err = new StringWriter();
    assertEquals(2, run(new CommandLine(command), err));
    assertEquals("REGIONMOVE_REGIONS is not set.\n", err.toString());
  }

  @Test
  void migrationsOnlyIsAFlag() {
    assertFalse(parse().migrationsOnly);
    assertTrue(parse("--migrations-only").migrationsOnly);
  }

  @Test
  void migrationsOnlyWithRegionsIsAUsageErrorBeforeTheRegionsFileIsRead() {
    WorkerCommand command =
        new WorkerCommand(
            () -> {
              throw new AssertionError("the regions file was read");
            });
    StringWriter err = new StringWriter();
    assertEquals(
        2, run(new CommandLine(command), err, "--migrations-only", "--regions", "osc-fr1"));
    assertEquals(
        "--migrations-only and --regions exclude each other: a migrations-only worker polls no"
            + " region's queue.\n",
        err.toString());
  }

  private static WorkerCommand parse(String... args) {
    WorkerCommand command = new WorkerCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  private static int run(CommandLine cli, StringWriter err, String... args) {
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }
}
