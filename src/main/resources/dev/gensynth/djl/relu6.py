# Writes relu6.pt beside this file: a TorchScript module whose forward is hardtanh(x, 0, 6), PyTorch's ReLU6, so
# that gensynth can call that kernel through DJL, which has no hardtanh (see dev.gensynth.djl.Scalars#relu6).
# Run with Debian's python3-torch (1.13): python3 relu6.py
import os

import torch


class Relu6(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.hardtanh(x, 0.0, 6.0)


torch.jit.script(Relu6()).save(os.path.join(os.path.dirname(os.path.abspath(__file__)), "relu6.pt"))
