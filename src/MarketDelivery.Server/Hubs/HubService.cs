using System.Collections.Immutable;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Runtime.Services;
using Orleans.Services;

namespace MarketDelivery.Server.Hubs;

/// <summary>One event for one SignalR group, as it travels between silos. The payload is a contract record.</summary>
[GenerateSerializer, Immutable, Alias("md.PushMessage")]
public sealed record PushMessage(
    [property: Id(0)] string Group,
    [property: Id(1)] string EventName,
    [property: Id(2)] object Payload);

/// <summary>A silo's hub, addressed by its silo: it sends what it receives to the clients connected to that silo.</summary>
[Alias("md.IHubService")]
public interface IHubService : IGrainService
{
    [Alias("Push")]
    Task Push(ImmutableArray<PushMessage> messages);
}

/// <summary>
/// This silo's hub as an Orleans grain service: one instance per silo, started with the silo before it becomes active and
/// living as long as it. Other silos reach it by silo address alone, so no registry has to learn of it and none can
/// forget it.
/// </summary>
public sealed class HubService(GrainId grainId, Silo silo, ILoggerFactory loggerFactory, LocalHub hub)
    : GrainService(grainId, silo, loggerFactory), IHubService
{
    public Task Push(ImmutableArray<PushMessage> messages) => hub.Push(messages);

    public override async Task Start()
    {
        await base.Start();
        hub.ReachableFromCluster = true;
    }

    public override async Task Stop()
    {
        hub.ReachableFromCluster = false;
        await base.Stop();
    }
}

/// <summary>Addresses the <see cref="HubService"/> of any silo.</summary>
public sealed class HubServiceClient(IServiceProvider services) : GrainServiceClient<IHubService>(services)
{
    public IHubService On(SiloAddress silo) => GetGrainService(silo);
}
