"""The docs/torch.md example: a trained nn.Sequential, its end point, a slice, Newton-MR from it.

Run: python docs/torch_tour.py   (writes torch_trained_slice.png/.npz, torch_saddle_slice.png/.npz)
"""

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

import spurious
from spurious.critical import classify, newton_mr
from spurious.slices import hessian_directions, random_directions, slice_1d, slice_2d

torch.manual_seed(0)
X = torch.randn(100, 2)
Y = torch.sin(2 * X[:, :1]) * torch.cos(X[:, 1:])
net = torch.nn.Sequential(torch.nn.Linear(2, 6), torch.nn.Tanh(), torch.nn.Linear(6, 1))
opt = torch.optim.Adam(net.parameters(), lr=1e-2)
for _epoch in range(10):  # a few epochs of ordinary mini-batch training
    for xb, yb in DataLoader(TensorDataset(X, Y), batch_size=20, shuffle=True):
        opt.zero_grad()
        torch.nn.functional.mse_loss(net(xb), yb).backward()
        opt.step()

land = spurious.from_torch(net, torch.nn.MSELoss(), (X, Y))  # float64 copy, eval mode; net untouched
theta = land.theta0  # the trained weights, flat (P = 25)
print(classify(land, theta, optimum=None).summary())  # what is the end point?

D, info = random_directions(land, theta, k=2, normalisation="filter", seed=0)  # Li et al. (2018)
slice_2d(land, theta, D[0], D[1], span=1.0, n=25, info=info).write(
    "torch_trained_slice", title="filter-normalised random directions at the trained weights")

run = newton_mr(land, theta, max_iterations=300)  # Newton-MR from the trained weights
print(run.status, run.iterations, f"loss {run.loss:.10g}", f"|grad| {np.sqrt(run.grad_norm_sq):.2e}")
found = classify(land, run.point, optimum=None)
print(found.summary())
print("certificate: curvature", found.certificate["curvature"], "decrease", found.certificate["decrease"][-3:])
Dh, hinfo = hessian_directions(land, run.point, k=1)  # the λ_min eigenvector
slice_1d(land, run.point, Dh[0], span=0.5, n=41, info=hinfo).write(
    "torch_saddle_slice", title="along the λ_min eigenvector at the point Newton-MR found")
