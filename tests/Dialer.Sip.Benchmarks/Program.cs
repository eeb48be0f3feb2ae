using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Dialer.Sip.Benchmarks.ParserBenchmarks).Assembly).Run(args);
