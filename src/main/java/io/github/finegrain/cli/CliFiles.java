package io.github.finegrain.cli;

import io.github.finegrain.data.DataFormatException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The checks every command makes on its paths before any work, and safe writing of its outputs. The rules, the same
 * for every command:
 * <ul>
 *   <li>inputs must exist and be of the right kind: a regular file (not a folder, FIFO or device) or a folder;</li>
 *   <li>missing output folders and their parents are created before the work starts, and checked writable; an output
 *       file's missing parent folders likewise; an output path that is a folder where a file is expected (or the
 *       reverse), or a symbolic link where a file will be written, is refused;</li>
 *   <li>a command that fails removes the folders it created that are still empty (so a failure at the start leaves
 *       nothing behind);</li>
 *   <li>files inside an output folder are named by {@link #child}, which refuses names that leave the folder, and
 *       written by {@link #replace}: a temporary file in the same folder, then one rename, so a symbolic link in
 *       the target's place is replaced, never followed, and no half-written file is left.</li>
 * </ul>
 */
final class CliFiles {
    /** Folders created by the running command, newest last: removed again, if still empty, when it fails. */
    private static final ThreadLocal<Deque<Path>> CREATED = ThreadLocal.withInitial(ArrayDeque::new);

    private CliFiles() {
    }

    /** Called when a command starts: forgets the folders of an earlier command. */
    static void commandStarted() {
        CREATED.get().clear();
    }

    /**
     * Called when a command ends: after a failure (an exception or a non-zero exit code), removes the folders it
     * created that are still empty, deepest first.
     */
    static void commandEnded(boolean succeeded) {
        Deque<Path> created = CREATED.get();
        if (!succeeded) {
            while (!created.isEmpty()) {
                Path p = created.removeLast();
                try {
                    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && isEmpty(p)) {
                        Files.delete(p);
                    }
                } catch (IOException e) {
                    // best effort: a folder that cannot be removed stays
                }
            }
        }
        created.clear();
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        }
    }

    /** {@code p} must be an existing regular file (not a folder, FIFO or device) that can be read. */
    static Path inputFile(Path p, String what) throws IOException {
        if (Files.isDirectory(p)) {
            throw new DataFormatException(p + ": is a folder; expected " + what + " (a file)");
        }
        if (!Files.exists(p)) {
            throw new NoSuchFileException(p.toString(), null, "missing " + what);
        }
        if (!Files.isRegularFile(p)) {
            throw new DataFormatException(p + ": not a regular file (a pipe, device or socket); expected " + what);
        }
        if (!Files.isReadable(p)) {
            throw new AccessDeniedException(p.toString(), null, "cannot read " + what);
        }
        return p;
    }

    /** {@code p} must be an existing folder. */
    static Path inputFolder(Path p, String what) throws IOException {
        if (!Files.exists(p)) {
            throw new NoSuchFileException(p.toString(), null, "missing " + what);
        }
        if (!Files.isDirectory(p)) {
            throw new DataFormatException(p + ": is a file; expected " + what + " (a folder)");
        }
        return p;
    }

    /**
     * {@code p} will be written as a file: it must not be a folder or a symbolic link, and an existing file must be
     * writable; missing parent folders are created (and removed again if the command fails) and must be writable.
     */
    static Path outputFile(Path p, String what) throws IOException {
        if (Files.isSymbolicLink(p)) {
            throw new DataFormatException(p + ": is a symbolic link; refusing to write " + what + " through it");
        }
        if (Files.isDirectory(p)) {
            throw new DataFormatException(p + ": is a folder; expected a file name for " + what);
        }
        if (Files.exists(p) && !Files.isRegularFile(p)) {
            throw new DataFormatException(p + ": not a regular file (a pipe, device or socket); expected a file name "
                    + "for " + what);
        }
        if (Files.exists(p) && !Files.isWritable(p)) {
            throw new AccessDeniedException(p.toString(), null, "cannot write " + what + " there");
        }
        Path parent = p.toAbsolutePath().getParent();
        if (parent != null) {
            outputFolder(parent, what);
        }
        return p;
    }

    /**
     * {@code p} will be used as an output folder: created with its missing parents if needed (removed again if the
     * command fails while they are empty); it must be a writable folder.
     */
    static Path outputFolder(Path p, String what) throws IOException {
        if (Files.exists(p) && !Files.isDirectory(p)) {
            throw new DataFormatException(p + ": is a file; expected a folder for " + what);
        }
        createFolders(p.toAbsolutePath(), what);
        if (!Files.isWritable(p)) {
            throw new AccessDeniedException(p.toString(), null, "cannot write " + what + " in this folder");
        }
        return p;
    }

    private static void createFolders(Path p, String what) throws IOException {
        if (Files.isDirectory(p)) {
            return;
        }
        Path parent = p.getParent();
        if (parent != null) {
            if (Files.exists(parent) && !Files.isDirectory(parent)) {
                throw new DataFormatException(parent + ": is a file; expected a folder for " + what);
            }
            createFolders(parent, what);
        }
        Files.createDirectory(p);
        CREATED.get().addLast(p);
    }

    /**
     * The file {@code name} inside {@code folder}: {@code name} must be one plain file name (no separator, not
     * {@code .} or {@code ..}, not absolute), so the result cannot leave the folder.
     *
     * @throws DataFormatException if {@code name} would leave {@code folder}
     */
    static Path child(Path folder, String name, String what) throws DataFormatException {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")
                || name.contains("\\") || name.indexOf('\0') >= 0) {
            throw new DataFormatException(folder + ": refusing the name '" + name + "' for " + what
                    + " (it would leave the folder)");
        }
        Path p = folder.resolve(name);
        if (!p.normalize().getParent().equals(folder.normalize())) {
            throw new DataFormatException(folder + ": refusing the name '" + name + "' for " + what
                    + " (it would leave the folder)");
        }
        return p;
    }

    /** Writes {@code target} through a callback, see {@link #replace(Path, Writer)}. */
    @FunctionalInterface
    interface Writer {
        /** Writes the whole content to {@code out}. */
        void write(OutputStream out) throws IOException;
    }

    /**
     * Replaces {@code target} with what {@code writer} writes: into a temporary file in the same folder, then one
     * atomic rename. A symbolic link at {@code target} is replaced by the new file, never followed; on failure the
     * old file is untouched and no temporary file remains.
     */
    static void replace(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        // not Files.createTempFile: its files are private (0600); this one gets the usual permissions (umask)
        Path tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE)) {
                writer.write(out);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Refuses a run folder in which any of {@code names} is a symbolic link (a resumed run overwrites them).
     *
     * @throws DataFormatException naming the link
     */
    static void noSymbolicLinks(Path folder, String... names) throws DataFormatException {
        for (String n : names) {
            Path p = folder.resolve(n);
            if (Files.isSymbolicLink(p)) {
                throw new DataFormatException(p + ": is a symbolic link; a run folder's files are overwritten, so "
                        + "links are refused (replace it with the file)");
            }
        }
    }

    /**
     * Refuses a folder whose pictures and files are about to be (over)written when anything inside it, at any depth up
     * to {@code export/}'s, is a symbolic link: writing through it would overwrite the link's target.
     *
     * @throws DataFormatException naming the first link found
     */
    static void noSymbolicLinksInside(Path folder) throws IOException {
        if (!Files.isDirectory(folder, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (java.util.stream.Stream<Path> all = Files.walk(folder, 3)) {
            java.util.Optional<Path> link = all.filter(Files::isSymbolicLink).findFirst();
            if (link.isPresent()) {
                throw new DataFormatException(link.get() + ": is a symbolic link inside the output folder; its "
                        + "files are overwritten, so links are refused (remove it or choose another folder)");
            }
        }
    }
}
