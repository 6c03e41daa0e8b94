package dev.gensynth.bench;

import dev.gensynth.UserError;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * What the bench mains share: their own errors (bad arguments, missing files, a {@link UserError}) end
 * them with one line on stderr, {@code Tool: what is wrong — what would fix it}, and exit code 2, never a
 * stack trace, so that a benchmark script can show the line as it is.
 */
final class BenchCli {
    static final int USER_ERROR = 2;

    /** A bench main's work; returns its exit code. */
    interface Body {
        int run() throws Exception;
    }

    private BenchCli() {
    }

    /** Runs {@code body}; its user errors become one line on {@code err} and {@link #USER_ERROR}. */
    static int run(String tool, PrintStream err, Body body) {
        try {
            return body.run();
        } catch (UncheckedIOException e) {
            err.println(tool + ": " + io(e.getCause()));
        } catch (IOException e) {
            err.println(tool + ": " + io(e));
        } catch (Exception e) {
            Throwable t = e;
            while (t != null && !(t instanceof UserError)) {
                t = t.getCause();
            }
            if (t == null) {
                // a bug, not the user's: its stack trace is wanted
                throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
            }
            err.println(tool + ": " + oneLine(t.getMessage()));
        }
        err.flush();
        return USER_ERROR;
    }

    /** Exits with {@code code} unless it is 0 (then the JVM ends as usual, once its work is done). */
    static void exit(int code) {
        if (code != 0) {
            System.exit(code);
        }
    }

    /** DJL offline unless the command line says otherwise: the bench tools never download an engine. */
    static void offline() {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    }

    /**
     * Ends a Markdown report with how it was made ({@code how}: the seed or the command line), writes it to
     * {@code out} and prints it.
     */
    static void writeReport(java.nio.file.Path out, java.util.List<String> md, String how) throws IOException {
        dev.gensynth.provenance.Provenance p = dev.gensynth.provenance.Provenance.current();
        md.add("Made by " + p.software() + " on " + p.machine() + ", " + p.date() + ", " + how + ".");
        md.add("");
        java.nio.file.Files.createDirectories(out.toAbsolutePath().getParent());
        java.nio.file.Files.writeString(out, String.join("\n", md));
        System.out.println(String.join("\n", md));
    }

    static String oneLine(String s) {
        return s == null ? "(no message)" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    private static String io(IOException e) {
        if (e instanceof NoSuchFileException f) {
            return f.getFile() + " does not exist — check the path";
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied on " + f.getFile() + " — give a path this user may read or write";
        }
        if (e instanceof NotDirectoryException f) {
            return f.getFile() + " is not a directory — check the path";
        }
        if (e instanceof FileSystemException f) {
            return "cannot use " + f.getFile() + (f.getReason() != null ? " (" + f.getReason() + ")" : "")
                    + " — check the path, its permissions and the free disk space";
        }
        return "reading or writing a file failed: " + oneLine(e.getMessage())
                + " — check the paths given, their permissions and the free disk space";
    }

    /** The arguments of a bench main, read one option at a time; errors name the option and show the usage. */
    static final class Args {
        private final String[] args;
        private final String usage;
        private int i = -1;

        Args(String[] args, String usage) {
            this.args = args;
            this.usage = usage;
        }

        /** The next argument, or null when there is none. */
        String next() {
            return ++i < args.length ? args[i] : null;
        }

        /** The value of option {@code opt}, which has just been read. */
        String value(String opt) {
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                throw error(opt + " needs a value");
            }
            return args[++i];
        }

        /** The whole-number value of option {@code opt}, at least {@code min}. */
        int intValue(String opt, int min) {
            String v = value(opt);
            try {
                int n = Integer.parseInt(v.trim());
                if (n >= min) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw error(opt + " needs a whole number >= " + min + ", got '" + v + "'");
        }

        /** A user error: what is wrong, then the usage as the fix. */
        UserError error(String what) {
            return new UserError(what + " — usage: " + usage);
        }
    }
}
