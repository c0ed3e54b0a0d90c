package io.github.finegrain.data;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The temporary files an output is written to before it is moved into place: {@code NAME.<random>.partial} (and
 * {@code NAME.<random>.rows.partial} for the rows of an example file) next to the output {@code NAME}.
 *
 * <p>They are created with {@link Files#createFile} and no explicit permissions, so the output that they become has
 * the usual mode of new files (0666 minus the umask), unlike {@link Files#createTempFile}, which makes them 0600.
 */
public final class PartialFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private PartialFiles() {
    }

    /**
     * Creates a new empty file {@code dir/prefix<random>suffix} with the usual permissions.
     *
     * @throws IOException if it cannot be created
     */
    public static Path create(Path dir, String prefix, String suffix) throws IOException {
        for (int attempt = 0;; attempt++) {
            Path p = dir.resolve(prefix + Long.toUnsignedString(RANDOM.nextLong()) + suffix);
            try {
                return Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
    }

    /**
     * Deletes the partial files an interrupted writer of {@code output} left behind: regular files (not links) in its
     * folder named {@code <output name>.<anything>.partial}. Files of other outputs are left alone.
     *
     * @return the files deleted
     */
    public static List<Path> deleteStale(Path output) throws IOException {
        Path abs = output.toAbsolutePath();
        Path dir = abs.getParent();
        List<Path> deleted = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return deleted;
        }
        String prefix = abs.getFileName().toString() + ".";
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (n.startsWith(prefix) && n.endsWith(".partial") && n.length() > prefix.length() + ".partial".length()
                        && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(p);
                    deleted.add(p);
                }
            }
        }
        deleted.sort(null);
        return deleted;
    }
}
