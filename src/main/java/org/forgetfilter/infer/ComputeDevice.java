package org.forgetfilter.infer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.util.Locale;

/**
 * Where tensors are created and computed: {@code cpu} (the default), {@code cuda} (the first GPU) or
 * {@code cuda:N}. Every model, copy and stage of a run lives under one {@link NDManager} on this device; the
 * pipeline's own managers take the device of the model they are given. A GPU is only usable with the CUDA build
 * ({@code mvn -Pcuda package}); on the CPU build asking for one is refused, never silently run on the CPU.
 */
public final class ComputeDevice {
    private ComputeDevice() {
    }

    /** The device named by {@code spec} ({@code cpu}, {@code cuda}, {@code cuda:N}). */
    public static Device parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("cpu")) {
            return Device.cpu();
        }
        if (s.equals("cuda")) {
            return Device.gpu(0);
        }
        if (s.startsWith("cuda:")) {
            try {
                int id = Integer.parseInt(s.substring("cuda:".length()));
                if (id >= 0) {
                    return Device.gpu(id);
                }
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
        }
        throw new IllegalArgumentException("--device " + spec + ": expected cpu, cuda or cuda:N (N = 0, 1, ...)");
    }

    /**
     * A base manager on the device named by {@code spec}, after checking that libtorch can see it: a GPU index beyond
     * the GPUs libtorch found is refused with how many it found and which build has CUDA.
     */
    public static NDManager manager(String spec) {
        Device d = parse(spec);
        if (d.isGpu()) {
            int gpus = Engine.getInstance().getGpuCount();
            if (d.getDeviceId() >= gpus) {
                throw new IllegalArgumentException("--device " + spec + ": libtorch sees " + gpus + " CUDA device(s)"
                        + (gpus == 0 ? " (this build bundles the CPU libtorch; build with `mvn -Pcuda package` on a "
                        + "machine with an NVIDIA GPU and driver)" : ""));
            }
        }
        return NDManager.newBaseManager(d);
    }
}
