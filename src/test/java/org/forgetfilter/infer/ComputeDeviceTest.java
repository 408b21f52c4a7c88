package org.forgetfilter.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class ComputeDeviceTest {
    @Test
    void namesParseToTheirDevices() {
        assertEquals(Device.cpu(), ComputeDevice.parse("cpu"));
        assertEquals(Device.gpu(0), ComputeDevice.parse("cuda"));
        assertEquals(Device.gpu(2), ComputeDevice.parse("CUDA:2"));
    }

    @Test
    void otherNamesAreRefusedWithTheAcceptedForms() {
        for (String bad : new String[] {"tpu", "cuda:", "cuda:-1", "cuda:x", "gpu0"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ComputeDevice.parse(bad));
            assertTrue(e.getMessage().contains("--device " + bad) && e.getMessage().contains("cpu, cuda or cuda:N"),
                    e.getMessage());
        }
    }

    @Test
    void cpuManagerComputesOnTheCpu() {
        try (NDManager m = ComputeDevice.manager("cpu")) {
            assertEquals(Device.cpu(), m.getDevice());
            assertEquals(Device.cpu(), m.create(new float[] {1, 2}).mul(2).getDevice());
        }
    }

    @Test
    void aGpuTheEngineDoesNotSeeIsRefusedNotRunOnTheCpu() {
        int gpus = Engine.getInstance().getGpuCount();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ComputeDevice.manager("cuda:" + gpus));
        assertTrue(e.getMessage().contains("libtorch sees " + gpus + " CUDA device(s)"), e.getMessage());
        assumeTrue(gpus == 0, "a GPU is visible; the CPU-build message is not expected");
        assertTrue(e.getMessage().contains("mvn -Pcuda package"), e.getMessage());
    }
}
