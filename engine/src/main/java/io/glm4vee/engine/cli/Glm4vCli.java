package io.glm4vee.engine.cli;

import io.glm4vee.engine.EngineException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

/** Entry point of ./glm4v: one subcommand per task; errors are one line unless --debug. */
@Command(name = "glm4v", mixinStandardHelpOptions = true, version = "glm4v 0.1.0",
        description = "GLM-4V runtime: generate, evaluate, inspect, synthesise and benchmark checkpoints.",
        subcommands = {GenerateCommand.class, EvalCommand.class, InfoCommand.class, SynthCommand.class,
                BenchCommand.class})
public final class Glm4vCli implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "missing command: one of generate, eval, info, synth, bench (see glm4v --help)");
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams and returns the exit code (tests call this). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        boolean debug = java.util.Arrays.asList(args).contains("--debug");
        CommandLine cl = new CommandLine(new Glm4vCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (debug) {
                ex.printStackTrace(err);
            }
            if (ex instanceof EngineException ee) {
                err.println("error: " + oneLine(ee.getMessage()) + " [" + ee.code() + "]");
            } else {
                err.println("error: " + oneLine(ex.toString()) + (debug ? "" : " (run with --debug for the stack trace)"));
            }
            err.flush();
            return 1;
        });
        cl.setParameterExceptionHandler((ex, argv) -> {
            err.println("error: " + oneLine(ex.getMessage()));
            err.println("usage: " + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help");
            err.flush();
            return 2;
        });
        return cl.execute(args);
    }

    /** Messages from parsers (Jackson's "at [Source: ...]") span lines; the error stays one line. */
    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
