using NUnit.Framework;

// Pure in-memory tests: every fixture may run in parallel with the others.
[assembly: Parallelizable(ParallelScope.Fixtures)]
