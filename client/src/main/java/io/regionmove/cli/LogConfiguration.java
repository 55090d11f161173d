package io.regionmove.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;
import org.slf4j.Logger;

/**
 * The executable's logging, set up in code rather than from a {@code logback.xml}: parsing XML was
 * a tenth of a short command's start-up. Logs go to {@code <home>/regionmove.log} (the path {@link
 * RegionmoveCli#configureLogging} sets); stderr shows them only with {@code --verbose}.
 *
 * <p>A configuration named by {@code -Dlogback.configurationFile}, or a {@code logback-test.xml} on
 * the class path (the tests'), wins: this one then steps aside for Logback's own.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfiguration extends ContextAwareBase implements Configurator {

  private static final String FILE_PATTERN =
      "%d{ISO8601} %-5level [%thread] %logger{36} %X{WorkflowId} %X{ActivityId} - %msg%n";
  private static final String CONSOLE_PATTERN =
      "%d{HH:mm:ss.SSS} %-5level %logger{20} %X{WorkflowId} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || LogConfiguration.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    // Logback's own complaints (an unwritable log file) must not reach the CLI's output.
    context.getStatusManager().add(new NopStatusListener());
    FileAppender<ILoggingEvent> file = new FileAppender<>();
    file.setFile(System.getProperty(RegionmoveCli.LOG_FILE_PROPERTY, ".regionmove/regionmove.log"));
    file.setAppend(true);
    file.setPrudent(true);
    start(context, file, "FILE", FILE_PATTERN);

    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setTarget("System.err");
    ThresholdFilter threshold = new ThresholdFilter();
    threshold.setLevel(System.getProperty(RegionmoveCli.CONSOLE_LEVEL_PROPERTY, "OFF"));
    threshold.start();
    console.addFilter(threshold);
    start(context, console, "STDERR", CONSOLE_PATTERN);

    for (String quiet :
        new String[] {"io.grpc.netty", "io.netty", "org.eclipse.jetty", "io.javalin"}) {
      context.getLogger(quiet).setLevel(Level.WARN);
    }
    context.getLogger("io.temporal.internal.worker").setLevel(Level.INFO);
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(file);
    root.addAppender(console);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static void start(
      LoggerContext context,
      OutputStreamAppender<ILoggingEvent> appender,
      String name,
      String pattern) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(pattern);
    encoder.start();
    appender.setContext(context);
    appender.setName(name);
    appender.setEncoder(encoder);
    appender.start();
  }
}
