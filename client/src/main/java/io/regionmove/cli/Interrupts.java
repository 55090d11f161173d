package io.regionmove.cli;

/**
 * Where a command registers what must happen when it is interrupted (Ctrl-C, SIGTERM): the JVM's
 * shutdown hooks when the command has the JVM to itself, the request's hooks in the CLI daemon.
 */
interface Interrupts {

  /** Runs {@code hook} if the command is interrupted, until {@link #remove} is called. */
  void add(Thread hook);

  void remove(Thread hook);

  /** The JVM's shutdown hooks: the command is the process. */
  Interrupts JVM =
      new Interrupts() {
        @Override
        public void add(Thread hook) {
          Runtime.getRuntime().addShutdownHook(hook);
        }

        @Override
        public void remove(Thread hook) {
          try {
            Runtime.getRuntime().removeShutdownHook(hook);
          } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook says what it has to
          }
        }
      };
}
