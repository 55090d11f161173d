package io.regionmove.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.regionmove.client.MigrationNotFoundException;
import io.regionmove.client.MigrationRejectedException;
import io.regionmove.sandbox.SandboxCommand;
import io.regionmove.worker.TemporalClients;
import io.regionmove.worker.TemporalUnreachableException;
import io.regionmove.worker.WorkerCommand;
import io.regionmove.worker.codec.EncryptionConfigException;
import io.temporal.client.WorkflowClient;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The {@code regionmove} executable (SPEC §3). */
@Command(
    name = "regionmove",
    mixinStandardHelpOptions = true,
    version = "regionmove 0.1.0",
    description =
        "Moves an app from one region to another, step by step, as a durable Temporal workflow.")
public final class RegionmoveCli {

  /**
   * The subcommands, in the order {@code --help} lists them. Only the ones named on the command
   * line are built (picocli reads their options and makes their objects); the others are a name and
   * a description for the help and the suggestions, so a short command does not pay for the
   * worker's or the dev stack's classes.
   */
  static final List<Class<?>> SUBCOMMANDS =
      List.of(
          MigrationCreateCommand.class,
          MigrationRunCommand.class,
          MigrationAbortCommand.class,
          MigrationRollbackCommand.class,
          MigrationsCommand.class,
          MigrationFollowCommand.class,
          MigrationHistoryCommand.class,
          MigrationBatchCommand.class,
          MigrationBatchAbortCommand.class,
          WorkerCommand.class,
          DevCommand.class,
          DemoCommand.class,
          SandboxCommand.class,
          SandboxSeedCommand.class,
          CodecServerCommand.class,
          AutoComplete.GenerateCompletion.class);

  /** The subcommand that needs every other one built: the completion script lists all options. */
  private static final String COMPLETION = "generate-completion";

  static final String HOME_ENV = "REGIONMOVE_HOME";
  static final String LOG_FILE_PROPERTY = "regionmove.log.file";
  static final String CONSOLE_LEVEL_PROPERTY = "regionmove.console.level";

  @Option(
      names = "--region",
      defaultValue = "${env:REGIONMOVE_REGION}",
      description = "The app's region (default: REGIONMOVE_REGION).")
  String region;

  @Option(
      names = "--app",
      defaultValue = "${env:REGIONMOVE_APP}",
      description = "The app (default: REGIONMOVE_APP).")
  String app;

  @Option(
      names = "--json",
      description = "Print the migration object as JSON instead of the progress lines.")
  boolean json;

  @Option(
      names = {"-y", "--yes"},
      description = "Do not ask for confirmation.")
  boolean yes;

  @Option(
      names = {"-v", "--verbose"},
      description = "Also show the logs on stderr (they always go to the log file).")
  boolean verbose;

  private final Console console;
  private final Supplier<WorkflowClient> temporal;
  private final boolean sharedTemporal;

  RegionmoveCli() {
    this(Console.system(), TemporalClients::fromEnvironment);
  }

  /** With the console to print on and where the migration commands get their Temporal client. */
  RegionmoveCli(Console console, Supplier<WorkflowClient> temporal) {
    this(console, temporal, false);
  }

  /**
   * @param sharedTemporal whether {@code temporal} hands out a client that outlives the command
   *     (the CLI daemon's warm one), which the command then leaves open
   */
  RegionmoveCli(Console console, Supplier<WorkflowClient> temporal, boolean sharedTemporal) {
    this.console = console;
    this.temporal = temporal;
    this.sharedTemporal = sharedTemporal;
  }

  Console console() {
    return console;
  }

  /** Where the index, logs and dev state live: REGIONMOVE_HOME, else {@code .regionmove}. */
  static Path home() {
    String home = System.getenv(HOME_ENV);
    return Path.of(home == null || home.isBlank() ? ".regionmove" : home);
  }

  String requireRegion() {
    if (region == null || region.isBlank()) {
      throw new CliException(
          ExitCodes.USAGE, "No region given: pass --region REGION or set REGIONMOVE_REGION.");
    }
    return InputChecks.region("--region", region);
  }

  String requireApp() {
    if (app == null || app.isBlank()) {
      throw new CliException(
          ExitCodes.USAGE, "No app given: pass --app APP or set REGIONMOVE_APP.");
    }
    return InputChecks.app("--app", app);
  }

  Session session() {
    return new Session(home(), console, temporal, !sharedTemporal);
  }

  public static void main(String[] args) {
    configureLogging(args);
    System.exit(run(args));
  }

  static int run(String... args) {
    return run(new RegionmoveCli(), args);
  }

  static int run(RegionmoveCli root, String... args) {
    return commandLine(root, args).execute(args);
  }

  /** The executable's command line for {@code args}, with every subcommand they name built. */
  public static CommandLine commandLine(String... args) {
    return commandLine(new RegionmoveCli(), args);
  }

  static CommandLine commandLine(RegionmoveCli root, String... args) {
    CommandLine cli =
        new CommandLine(
            root,
            new CommandLine.IFactory() {
              /** The worker reads the CLI's regions file: REGIONMOVE_REGIONS or the dev one. */
              @Override
              public <K> K create(Class<K> type) throws Exception {
                return type == WorkerCommand.class
                    ? type.cast(new WorkerCommand(() -> root.session().requireRegions()))
                    : CommandLine.defaultFactory().create(type);
              }
            });
    addSubcommands(cli, List.of(args));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler(
        (e, arguments) -> {
          CommandLine command = e.getCommandLine();
          String name = command.getCommandSpec().qualifiedName();
          String message = e.getMessage().endsWith(".") ? e.getMessage() : e.getMessage() + ".";
          root.console.error(message + " See '" + name + " --help'.");
          return ExitCodes.USAGE;
        });
    cli.setExecutionExceptionHandler((e, command, parsed) -> handle(root.console, e));
    return cli;
  }

  /**
   * Adds the subcommands: built for real when their name is among {@code args} (all of them for the
   * completion script), as a name and description otherwise.
   */
  static void addSubcommands(CommandLine cli, List<String> args) {
    boolean all = args.contains(COMPLETION);
    for (Class<?> type : SUBCOMMANDS) {
      Command command = type.getAnnotation(Command.class);
      if (all || args.contains(command.name())) {
        cli.addSubcommand(command.name(), type);
      } else {
        CommandSpec listed = CommandSpec.create().name(command.name());
        listed.usageMessage().description(command.description());
        cli.addSubcommand(command.name(), listed);
      }
    }
  }

  /** One sentence on stderr and the exit code; the stack trace goes to the log file only. */
  static int handle(Console console, Exception e) {
    Logger log = LoggerFactory.getLogger(RegionmoveCli.class);
    log.debug("Command failed", e);
    int code;
    String message;
    if (e instanceof CliException cli) {
      code = cli.exitCode();
      message = cli.getMessage();
    } else if (e instanceof EncryptionConfigException) {
      code = ExitCodes.USAGE;
      message = e.getMessage();
    } else if (e instanceof TemporalUnreachableException) {
      code = ExitCodes.UNREACHABLE;
      message = e.getMessage();
    } else if (e instanceof MigrationRejectedException || e instanceof MigrationNotFoundException) {
      code = ExitCodes.FAILED;
      message = e.getMessage();
    } else if (unavailable(e)) {
      code = ExitCodes.UNREACHABLE;
      message =
          "The Temporal server stopped answering ("
              + rootMessage(e)
              + "); check that it runs and try again.";
    } else {
      log.error("Unexpected failure", e);
      code = ExitCodes.FAILED;
      message =
          "Unexpected error: "
              + rootMessage(e)
              + "; the details are in "
              + System.getProperty(LOG_FILE_PROPERTY, "the log file")
              + ".";
    }
    console.error(message);
    return code;
  }

  private static boolean unavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException s) {
        Status.Code c = s.getStatus().getCode();
        return c == Status.Code.UNAVAILABLE || c == Status.Code.DEADLINE_EXCEEDED;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    m = m.replaceAll("\\s+", " ").trim();
    return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
  }

  /**
   * Sets the log file ({@code <home>/regionmove.log}; dev and demo use their {@code --home}) and
   * whether logs also reach the console, before Logback reads its configuration.
   */
  static void configureLogging(String[] args) {
    Path home = home();
    boolean verbose = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--home") && i + 1 < args.length) {
        home = Path.of(args[i + 1]);
      } else if (args[i].startsWith("--home=")) {
        home = Path.of(args[i].substring("--home=".length()));
      } else if (args[i].equals("--verbose") || args[i].equals("-v")) {
        verbose = true;
      }
    }
    System.setProperty(
        LOG_FILE_PROPERTY, home.resolve("regionmove.log").toAbsolutePath().toString());
    System.setProperty(CONSOLE_LEVEL_PROPERTY, verbose ? "INFO" : "OFF");
  }
}
