package io.regionmove.sandbox;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Runs {@link SandboxCommand} on its own: {@code SandboxMain --region R --port P [--host H]
 * [--state-dir D] [--token T] [--pg-url URL] [--fault-...]}. The CLI runs the same command as
 * {@code regionmove sandbox}.
 */
public final class SandboxMain {

  private SandboxMain() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The sandbox command, a usage error being one sentence on stderr and exit code 2. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new SandboxCommand());
    cli.setParameterExceptionHandler(SandboxMain::usageError);
    return cli;
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    String message = e.getMessage().endsWith(".") ? e.getMessage() : e.getMessage() + ".";
    command.getErr().println(message + " See '" + command.getCommandName() + " --help'.");
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }
}
