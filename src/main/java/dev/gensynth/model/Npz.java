package dev.gensynth.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * NumPy {@code .npz} archives of float32 arrays: a zip of {@code .npy} files. Chosen for
 * weights because any Python user can {@code numpy.load} them, and it needs no native code.
 */
final class Npz {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npz() {
    }

    static void write(Map<String, Tensor> arrays, OutputStream out) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                entry.setTime(0); // byte-identical files for identical weights
                zip.putNextEntry(entry);
                writeNpy(e.getValue(), zip);
                zip.closeEntry();
            }
        }
    }

    private static void writeNpy(Tensor t, OutputStream out) throws IOException {
        StringBuilder shape = new StringBuilder();
        for (long d : t.shape()) {
            shape.append(d).append(", ");
        }
        if (t.shape().length > 1) {
            shape.setLength(shape.length() - 2);
        } else if (t.shape().length == 1) {
            shape.setLength(shape.length() - 1);
        }
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }";
        int total = MAGIC.length + 2 + 2 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        out.write(MAGIC);
        out.write(new byte[] {1, 0});
        out.write(new byte[] {(byte) (header.length() & 0xff), (byte) (header.length() >> 8)});
        out.write(header.getBytes(StandardCharsets.US_ASCII));
        ByteBuffer buf = ByteBuffer.allocate(t.data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(t.data());
        out.write(buf.array());
    }

    /** Reads every array; throws IOException with a plain reason when the file is not a float32 npz. */
    static Map<String, Tensor> read(InputStream in) throws IOException {
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                String name = e.getName();
                if (!name.endsWith(".npy")) {
                    throw new IOException("entry '" + name + "' is not a .npy array");
                }
                arrays.put(name.substring(0, name.length() - 4), readNpy(zip.readAllBytes(), name));
            }
        }
        if (arrays.isEmpty()) {
            throw new IOException("not an .npz archive (no arrays found)");
        }
        return arrays;
    }

    private static Tensor readNpy(byte[] bytes, String name) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (byte b : MAGIC) {
            if (!buf.hasRemaining() || buf.get() != b) {
                throw new IOException("entry '" + name + "' is not a .npy array");
            }
        }
        int major = buf.get();
        buf.get();
        int headerLen = major == 1 ? Short.toUnsignedInt(buf.getShort()) : buf.getInt();
        String header = new String(bytes, buf.position(), headerLen, StandardCharsets.US_ASCII);
        buf.position(buf.position() + headerLen);
        if (!header.contains("'<f4'") || header.contains("'fortran_order': True")) {
            throw new IOException("entry '" + name + "' is not a C-ordered little-endian float32 array");
        }
        Matcher m = SHAPE.matcher(header);
        if (!m.find()) {
            throw new IOException("entry '" + name + "' has no shape in its header");
        }
        String[] parts = m.group(1).split(",");
        long[] shape = java.util.Arrays.stream(parts).map(String::trim).filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (buf.remaining() < n * 4) {
            throw new IOException("entry '" + name + "' is truncated");
        }
        float[] data = new float[(int) n];
        buf.asFloatBuffer().get(data);
        return new Tensor(shape, data);
    }
}
