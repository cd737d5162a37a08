package org.vistabench.run;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.vistabench.VistaException;
import org.vistabench.cli.ExitCodes;

/**
 * Calls into the spec package, which is written in parallel with this one and cannot be compiled against yet.
 * Temporary: once the spec package is merged, {@link SpecLink} calls it directly and this class goes.
 */
final class Reflect {
    private Reflect() {
    }

    static Object callStatic(String className, String method, Class<?>[] types, Object... args) {
        Class<?> c;
        try {
            c = Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new VistaException(ExitCodes.INTERNAL, "this build lacks " + className + " (package not merged yet)");
        }
        return invoke(c, null, method, types, args);
    }

    static Object callInstance(Object target, String method) {
        return invoke(target.getClass(), target, method, new Class<?>[0]);
    }

    private static Object invoke(Class<?> c, Object target, String method, Class<?>[] types, Object... args) {
        Method m;
        try {
            m = c.getMethod(method, types);
        } catch (NoSuchMethodException e) {
            throw new VistaException(ExitCodes.INTERNAL, "this build lacks " + c.getName() + "." + method);
        }
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(t);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
