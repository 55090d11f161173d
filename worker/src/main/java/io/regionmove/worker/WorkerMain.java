package io.regionmove.worker;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Runs {@link WorkerCommand} on its own: {@code WorkerMain [--regions a,b | --migrations-only]},
 * with the regions of the file named by {@code REGIONMOVE_REGIONS}. The CLI runs the same command
 * as {@code regionmove worker}.
 */
public final class WorkerMain {

  private WorkerMain() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The worker command, a usage error being one sentence on stderr and exit code 2. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new WorkerCommand());
    cli.setParameterExceptionHandler(WorkerMain::usageError);
    return cli;
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    String message = e.getMessage().endsWith(".") ? e.getMessage() : e.getMessage() + ".";
    command.getErr().println(message + " See '" + command.getCommandName() + " --help'.");
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }
}
