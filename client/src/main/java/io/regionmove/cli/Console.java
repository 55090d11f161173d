package io.regionmove.cli;

import java.io.PrintStream;

/**
 * What a person sees: stdout for output, stderr for the one-sentence errors. On a terminal it has
 * colours and a spinner and may ask questions; otherwise it prints plain lines and never asks.
 */
final class Console {

  private final PrintStream out;
  private final PrintStream err;
  private final boolean terminal;

  Console(PrintStream out, PrintStream err, boolean terminal) {
    this.out = out;
    this.err = err;
    this.terminal = terminal;
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
    if (System.console() == null) {
      return true;
    }
    String answer = System.console().readLine("%s [y/N] ", question);
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
