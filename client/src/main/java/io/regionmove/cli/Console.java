package io.regionmove.cli;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * What a person sees: stdout for output, stderr for the one-sentence errors. On a terminal it has
 * colours and a spinner and may ask questions; otherwise it prints plain lines and never asks.
 *
 * <p>Everything a command learns about its process goes through here (streams, terminal, the line
 * it reads, its interrupt hooks, the terminal width), so the CLI daemon can run a command for a
 * client with the client's own.
 */
final class Console {

  private final PrintStream out;
  private final PrintStream err;
  private final boolean terminal;
  private final Supplier<String> keyboard;
  private final Interrupts interrupts;
  private final String columns;

  /** On these streams, in this process: its terminal for questions, its shutdown hooks. */
  Console(PrintStream out, PrintStream err, boolean terminal) {
    this(
        out,
        err,
        terminal,
        System.console() == null ? null : () -> System.console().readLine(),
        Interrupts.JVM,
        System.getenv("COLUMNS"));
  }

  /**
   * @param keyboard reads a line the person types (null at the end of input); null when there is no
   *     terminal to ask on, and questions are answered yes
   * @param columns the terminal's width as the COLUMNS variable gives it, or null
   */
  Console(
      PrintStream out,
      PrintStream err,
      boolean terminal,
      Supplier<String> keyboard,
      Interrupts interrupts,
      String columns) {
    this.out = out;
    this.err = err;
    this.terminal = terminal;
    this.keyboard = keyboard;
    this.interrupts = interrupts;
    this.columns = columns;
  }

  static Console system() {
    return new Console(System.out, System.err, System.console() != null);
  }

  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }

  boolean isTerminal() {
    return terminal;
  }

  Interrupts interrupts() {
    return interrupts;
  }

  /** The COLUMNS variable of the command's environment, or null. */
  String columns() {
    return columns;
  }

  void println(String line) {
    out.println(line);
  }

  void println() {
    out.println();
  }

  /** An error sentence on stderr, red on a terminal. */
  void error(String sentence) {
    err.println(terminal ? red(sentence) : sentence);
  }

  /** Asks a yes/no question on the terminal; false unless the answer starts with y. */
  boolean confirm(String question) {
    if (keyboard == null) {
      return true;
    }
    out.print(question + " [y/N] ");
    out.flush();
    String answer = keyboard.get();
    return answer != null && answer.trim().toLowerCase(java.util.Locale.ROOT).startsWith("y");
  }

  String green(String s) {
    return paint("32", s);
  }

  String red(String s) {
    return paint("31", s);
  }

  String yellow(String s) {
    return paint("33", s);
  }

  String bold(String s) {
    return paint("1", s);
  }

  String dim(String s) {
    return paint("2", s);
  }

  private String paint(String code, String s) {
    return terminal && System.getenv("NO_COLOR") == null
        ? "\u001b[" + code + "m" + s + "\u001b[0m"
        : s;
  }
}
