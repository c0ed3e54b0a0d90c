package io.github.finegrain.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.data.JsonFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A checkpoint as one atomic, verified unit: a folder of files sealed by a manifest, made current by renames.
 *
 * <p><b>Manifest.</b> {@value #MANIFEST} (format version {@value #FORMAT_VERSION}) is written last and lists every
 * other file of the folder with its size in bytes and its SHA-256. {@link #verify} checks, before anything else of
 * the checkpoint is read: the manifest's version; that every listed name is one a checkpoint may hold; that every
 * listed file is present, a regular file (not a link, FIFO or folder), of the listed size and hash; that no other
 * entry is in the folder. Each failure names the file ("trace.json is 812 bytes, the manifest says 2316: truncated
 * or replaced"), so a truncated or mixed-in file never reaches a parser.
 *
 * <p><b>Protocol</b> for a checkpoint folder {@code D} (e.g. {@code RUN/checkpoint}), with siblings
 * {@code D.new} and {@code D.old}:
 * <ol>
 * <li>delete a leftover {@code D.new}; write every file into a fresh {@code D.new}, each forced to disk;</li>
 * <li>write {@code D.new/manifest.json} last (forced; the folder too) — from here {@code D.new} is complete;</li>
 * <li>if {@code D} exists: delete a leftover {@code D.old}, rename {@code D} → {@code D.old};</li>
 * <li>rename {@code D.new} → {@code D} (and force the parent folder);</li>
 * <li>delete {@code D.old}.</li>
 * </ol>
 * A crash at any point leaves a complete checkpoint: {@code D} itself before step 3 and after step 4; between 3 and
 * 4, {@code D} is missing and both {@code D.new} (complete: its manifest exists) and {@code D.old} are. {@link
 * #recover} handles that case when a checkpoint is read: if {@code D} is missing it renames {@code D.new} to
 * {@code D} when its manifest verifies, else {@code D.old}. A {@code D.new} next to an existing {@code D} is an
 * unfinished (or unpromoted) write and is ignored (and replaced by the next write).
 */
public final class CheckpointFolder {
    /** The manifest's file name. */
    public static final String MANIFEST = "manifest.json";
    /** Layout version of the manifest (and of the checkpoint folder it seals). */
    public static final int FORMAT_VERSION = 2;
    /** Largest manifest read, bytes. */
    public static final long MAX_MANIFEST_BYTES = 64L << 10;

    private CheckpointFolder() {
    }

    /** Writes one file of a checkpoint into a fresh folder. */
    @FunctionalInterface
    public interface FileWriter {
        /** Writes the file {@code target} (it does not exist yet). */
        void write(Path target) throws IOException;
    }

    /** {@code D.new}. */
    public static Path fresh(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".new");
    }

    /** {@code D.old}. */
    public static Path previous(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".old");
    }

    /**
     * Writes a complete checkpoint and makes it current by the protocol of the class comment. {@code D},
     * {@code D.new} and {@code D.old} are replaced only if they hold nothing but checkpoint files (so a folder of
     * other files given by mistake is never deleted).
     *
     * @param dir     the checkpoint folder {@code D} (its parent is created if needed)
     * @param allowed the file names a checkpoint may hold (the manifest aside)
     * @param files   file name (one of {@code allowed}) → writer, in writing order
     * @throws IOException if a file cannot be written or a rename fails (the previous checkpoint then stays current),
     *                     or {@code D}, {@code D.new} or {@code D.old} holds something else than checkpoint files
     */
    public static void write(Path dir, Set<String> allowed, Map<String, FileWriter> files) throws IOException {
        for (String name : files.keySet()) {
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("'" + name + "' is not a file a checkpoint holds: " + allowed);
            }
        }
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path fresh = fresh(dir);
        for (Path p : List.of(dir, fresh, previous(dir))) {
            checkOwned(p, allowed);
        }
        deleteTree(fresh);
        Files.createDirectory(fresh);
        for (Map.Entry<String, FileWriter> e : files.entrySet()) {
            Path f = fresh.resolve(e.getKey());
            e.getValue().write(f);
            force(f);
        }
        seal(fresh);
        commit(dir, fresh);
    }

    /**
     * Fails unless {@code p} is absent, or a folder (not a link) holding only regular files named in {@code allowed}
     * or the manifest.
     */
    private static void checkOwned(Path p, Set<String> allowed) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(p + ": not a checkpoint folder (a file or link is in its place); refusing to "
                    + "replace it");
        }
        try (Stream<Path> s = Files.list(p)) {
            for (Path c : s.toList()) {
                String n = c.getFileName().toString();
                if (!(n.equals(MANIFEST) || allowed.contains(n)) || !Files.isRegularFile(c, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException(p + ": not a checkpoint folder (it holds " + n + "); refusing to replace "
                            + "it: give a folder of its own for checkpoints");
                }
            }
        }
    }

    /** Steps 3–5 of the protocol: {@code fresh} (complete) becomes {@code dir}. */
    private static void commit(Path dir, Path fresh) throws IOException {
        Path old = previous(dir);
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            deleteTree(old);
            Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(fresh, dir, StandardCopyOption.ATOMIC_MOVE);
        forceFolder(dir.toAbsolutePath().getParent());
        deleteTree(old);
    }

    /**
     * Writes {@value #MANIFEST} into {@code dir}, listing every regular file there (the manifest excluded) with its
     * size and SHA-256, and forces it and the folder to disk: the last step of writing a checkpoint.
     */
    public static void seal(Path dir) throws IOException {
        ObjectNode m = JsonFiles.mapper().createObjectNode();
        m.put("formatVersion", FORMAT_VERSION);
        ArrayNode list = m.putArray("files");
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.sorted().toList();
        }
        for (Path f : entries) {
            String name = f.getFileName().toString();
            if (name.equals(MANIFEST)) {
                continue;
            }
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(f + ": not a regular file; a checkpoint holds regular files only");
            }
            long size = Files.size(f);
            list.addObject().put("name", name).put("bytes", size).put("sha256", sha256(f, size));
        }
        Path manifest = dir.resolve(MANIFEST);
        JsonFiles.mapper().writeValue(manifest.toFile(), m);
        force(manifest);
        forceFolder(dir);
    }

    /**
     * Makes {@code dir} a complete checkpoint again after a crash between the renames of the protocol: when
     * {@code dir} is missing, renames {@code dir.new} (if its manifest verifies) or else {@code dir.old} to it.
     * Does nothing when {@code dir} exists.
     *
     * @return true if a checkpoint was recovered
     * @throws DataFormatException if {@code dir} is missing and no complete checkpoint is next to it (naming what was
     *                             found)
     */
    public static boolean recover(Path dir, Set<String> allowed) throws IOException {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Path fresh = fresh(dir);
        Path old = previous(dir);
        String why = "";
        if (Files.isDirectory(fresh, LinkOption.NOFOLLOW_LINKS)) {
            try {
                verify(fresh, allowed);
                Files.move(fresh, dir, StandardCopyOption.ATOMIC_MOVE);
                forceFolder(dir.toAbsolutePath().getParent());
                deleteTree(old);
                org.slf4j.LoggerFactory.getLogger(CheckpointFolder.class).warn("{}: recovered the checkpoint from {} "
                        + "(a run stopped while making it current)", dir, fresh.getFileName());
                return true;
            } catch (DataFormatException e) {
                why = " (" + fresh.getFileName() + " is incomplete: " + e.getMessage() + ")";
            }
        }
        if (Files.isDirectory(old, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(old, dir, StandardCopyOption.ATOMIC_MOVE);
            forceFolder(dir.toAbsolutePath().getParent());
            org.slf4j.LoggerFactory.getLogger(CheckpointFolder.class).warn("{}: recovered the previous checkpoint from "
                    + "{}{}", dir, old.getFileName(), why);
            return true;
        }
        throw new DataFormatException(dir + ": no checkpoint state (expected a checkpoint folder written by train)"
                + why);
    }

    /**
     * Verifies {@code dir} against its manifest (see the class comment) without reading any other file's content
     * beyond hashing it.
     *
     * @param allowed the file names a checkpoint may hold
     * @return the listed files: name → size in bytes
     * @throws DataFormatException naming the file and what differs
     */
    public static Map<String, Long> verify(Path dir, Set<String> allowed) throws IOException {
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.exists(manifest, LinkOption.NOFOLLOW_LINKS)) {
            String legacy = Files.exists(dir.resolve(RunCheckpoint.STATE)) ? ": the checkpoint was written by an "
                    + "older finegrain (format 1, no manifest) or is incomplete, and cannot be verified; start the run "
                    + "again" : ": missing (an incomplete checkpoint)";
            throw new DataFormatException(manifest + legacy);
        }
        if (Files.isSymbolicLink(manifest)) {
            throw new DataFormatException(manifest + ": a symbolic link; a checkpoint holds regular files only");
        }
        JsonNode m = JsonFiles.readTree(manifest, "checkpoint manifest", MAX_MANIFEST_BYTES);
        String bad = manifest + ": bad checkpoint manifest: ";
        JsonNode version = m.get("formatVersion");
        if (version == null || !version.isInt() || version.intValue() != FORMAT_VERSION) {
            throw new DataFormatException(manifest + ": checkpoint format version " + version + " is not supported "
                    + "(this finegrain reads version " + FORMAT_VERSION + ")");
        }
        JsonNode files = m.get("files");
        if (files == null || !files.isArray()) {
            throw new DataFormatException(bad + "field files must be a list");
        }
        Map<String, Long> listed = new LinkedHashMap<>();
        Map<String, String> hashes = new LinkedHashMap<>();
        for (int i = 0; i < files.size(); i++) {
            JsonNode f = files.get(i);
            JsonNode name = f.get("name");
            JsonNode bytes = f.get("bytes");
            JsonNode hash = f.get("sha256");
            if (name == null || !name.isTextual() || bytes == null || !bytes.canConvertToLong() || !bytes.isIntegralNumber()
                    || bytes.longValue() < 0 || hash == null || !hash.isTextual()
                    || !hash.textValue().matches("[0-9a-f]{64}")) {
                throw new DataFormatException(bad + "files[" + i + "] must have a name, bytes >= 0 and a sha256 of 64 "
                        + "hex digits");
            }
            String n = name.textValue();
            if (!allowed.contains(n)) {
                throw new DataFormatException(bad + "files[" + i + "] names '" + printable(n) + "', not a file a "
                        + "checkpoint holds (" + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
            if (listed.put(n, bytes.longValue()) != null) {
                throw new DataFormatException(bad + "file " + n + " is listed twice");
            }
            hashes.put(n, hash.textValue());
        }
        List<String> extra = new ArrayList<>();
        Set<String> present = new HashSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                present.add(n);
                if (!n.equals(MANIFEST) && !listed.containsKey(n)) {
                    extra.add(n);
                }
            }
        }
        for (Map.Entry<String, Long> e : listed.entrySet()) {
            Path f = dir.resolve(e.getKey());
            if (!present.contains(e.getKey())) {
                throw new DataFormatException(f + ": missing; the checkpoint's manifest lists it (" + e.getValue()
                        + " bytes)");
            }
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                throw new DataFormatException(f + ": not a regular file (a link, pipe or folder); the manifest lists "
                        + "a file of " + e.getValue() + " bytes");
            }
            long size = Files.size(f);
            if (size != e.getValue()) {
                throw new DataFormatException(f + ": " + size + " bytes, the checkpoint's manifest says "
                        + e.getValue() + " (the file is truncated, or from another checkpoint)");
            }
        }
        if (!extra.isEmpty()) {
            throw new DataFormatException(dir.resolve(extra.get(0)) + ": not in the checkpoint's manifest (extra "
                    + (extra.size() == 1 ? "file" : "files " + extra) + "; a checkpoint folder holds only the files "
                    + "its manifest lists)");
        }
        for (Map.Entry<String, Long> e : listed.entrySet()) {
            Path f = dir.resolve(e.getKey());
            String h = sha256(f, e.getValue());
            if (!h.equals(hashes.get(e.getKey()))) {
                throw new DataFormatException(f + ": SHA-256 " + h + " differs from the checkpoint's manifest ("
                        + hashes.get(e.getKey()) + "): the file was changed or comes from another checkpoint");
            }
        }
        return listed;
    }

    /**
     * A file of the current checkpoint {@code from} placed into a fresh one as {@code to}: a hard link (files of a
     * checkpoint are never modified in place), or a copy where links are not supported.
     */
    public static void link(Path from, Path to) throws IOException {
        try {
            Files.createLink(to, from);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(from, to, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** SHA-256 of the first {@code size} bytes of {@code f}, lowercase hex. */
    static String sha256(Path f, long size) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        long left = size;
        try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    break;
                }
                md.update(buf, 0, n);
                left -= n;
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Forces a written file to disk. */
    private static void force(Path f) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            ch.force(true);
        }
    }

    /** Forces a folder's entries to disk where the platform allows it (Linux does; some platforms refuse). */
    private static void forceFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            // not supported here: the renames are still atomic, only their durability on power loss is weaker
        }
    }

    /** Deletes {@code p} and what it holds, never following a symbolic link; nothing if absent. */
    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.list(p)) {
                for (Path c : s.toList()) {
                    deleteTree(c);
                }
            }
        }
        Files.delete(p);
    }

    private static String printable(String name) {
        String s = name.replaceAll("[^\\x20-\\x7e]", "?");
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}
