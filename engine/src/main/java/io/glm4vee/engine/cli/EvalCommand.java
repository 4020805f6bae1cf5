package io.glm4vee.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.eval.EvalRunner;
import io.glm4vee.engine.model.Glm4vModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Run a cases file greedily and print JSON in the golden schema (for compare.py).")
final class EvalCommand implements Runnable {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--cases", required = true, paramLabel = "CASES.json")
    Path cases;

    @Option(names = "--out", paramLabel = "FILE", description = "write the JSON here instead of stdout")
    Path out;

    @Override
    public void run() {
        if (!Files.isRegularFile(cases)) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "cases file " + cases + " does not exist");
        }
        try (Glm4vModel model = Glm4vModel.load(common.modelDir(), common.deviceOptions(), null)) {
            ObjectNode result = new EvalRunner(model).run(cases);
            String json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result);
            if (out == null) {
                spec.commandLine().getOut().println(json);
            } else {
                Files.writeString(out, json + "\n");
            }
        } catch (IOException e) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "cannot write " + out + ": " + e.getMessage(), e);
        }
    }
}
