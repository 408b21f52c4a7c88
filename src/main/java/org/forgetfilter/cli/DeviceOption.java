package org.forgetfilter.cli;

import ai.djl.ndarray.NDManager;
import org.forgetfilter.infer.ComputeDevice;
import picocli.CommandLine.Option;

/** The {@code --device} option of commands that compute with a model; add with {@code @Mixin DeviceOption device;}. */
public final class DeviceOption {
    @Option(names = "--device", defaultValue = "cpu", description = "where tensors live and are computed: cpu, cuda "
            + "or cuda:N (CUDA needs the build of `mvn -Pcuda package`; default: ${DEFAULT-VALUE})")
    String device;

    /** The base manager every model of the command is created under. */
    public NDManager manager() {
        return ComputeDevice.manager(device);
    }
}
