using NUnit.Framework;

// Each fixture owns its database, so fixtures may run side by side; two at a time suits 2 cores.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(2)]
