package dev.gensynth.cli;

import dev.gensynth.UserError;
import dev.gensynth.data.DatasetDownloader;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "download", mixinStandardHelpOptions = true,
        description = "Fetches a public dataset into a directory the readers understand, for machines with internet "
                + "access and without Debian's dataset packages; files already there are kept, an interrupted "
                + "download leaves no half file. Then pass --dataset NAME --data DIR (or data: {kind: NAME, dir: DIR}).")
final class DownloadCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DATASET", description = "mnist, fashion-mnist or cifar10")
    String dataset;

    @Option(names = "--dir", required = true, paramLabel = "DIR",
            description = "Where the files go (created if needed).")
    Path dir;

    @Override
    public Integer call() {
        DatasetDownloader.Source source = switch (dataset.toLowerCase(Locale.ROOT)) {
            case "mnist" -> DatasetDownloader.Source.MNIST;
            case "fashion-mnist" -> DatasetDownloader.Source.FASHION_MNIST;
            case "cifar10" -> DatasetDownloader.Source.CIFAR10;
            default -> throw new UserError("unknown dataset '" + dataset + "' to download; one of: mnist, "
                    + "fashion-mnist, cifar10 (the other kinds are composed from these, or are your own files)");
        };
        DatasetDownloader.download(source, dir);
        System.out.println(dataset + " is in " + dir + "; use it with --dataset " + dataset.toLowerCase(Locale.ROOT)
                + " --data " + dir);
        return 0;
    }
}
