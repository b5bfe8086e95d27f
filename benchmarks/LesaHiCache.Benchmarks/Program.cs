using BenchmarkDotNet.Running;

// BenchmarkDotNet's default config already exports GitHub markdown (BenchmarkDotNet.Artifacts/results/*-report-github.md).
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
