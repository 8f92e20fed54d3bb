namespace MarketDelivery.Server.Tests.Support;

/// <summary>
/// Test classes that start server processes run alone, after the parallel ones. Two silos sharing two cores with
/// another test class (a district advice simulation, say) can starve one of them past Orleans' probe limit; with
/// two silos one vote evicts, and the evicted process stops itself (CI saw it once, as "the server exited early").
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServerProcessesCollection
{
    public const string Name = "Server processes";
}
