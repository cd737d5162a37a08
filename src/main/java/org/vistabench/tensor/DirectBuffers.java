package org.vistabench.tensor;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;

/**
 * Frees a direct buffer now instead of at some later GC. Loading a model stages each tensor in a direct buffer that
 * torch then clones; left to the GC, a few 100 MB staging buffers exhaust {@code -XX:MaxDirectMemorySize} and every
 * further allocation stalls in {@code Bits.reserveMemory} (System.gc plus sleeps): 16 s instead of about 2 s for a
 * 1 GiB BF16 checkpoint. Uses {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported, as Lucene and Netty do);
 * where that is missing it does nothing and the GC frees the buffer as before.
 */
final class DirectBuffers {
    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Object u = null;
        Method m = null;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            u = f.get(null);
            m = c.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            u = null;
            m = null;
        }
        UNSAFE = u;
        INVOKE_CLEANER = m;
    }

    private DirectBuffers() {
    }

    /** Frees {@code b} (a direct buffer we allocated, not a slice or duplicate); nothing may use it afterwards. */
    static void free(ByteBuffer b) {
        if (INVOKE_CLEANER == null || b == null || !b.isDirect()) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, b);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // leave it to the GC
        }
    }
}
