using System.Collections.Immutable;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace MarketDelivery.Server.Hubs;

/// <summary>One event for one SignalR group, as it travels between silos. The payload is a contract record.</summary>
[GenerateSerializer, Immutable, Alias("md.PushMessage")]
public sealed record PushMessage(
    [property: Id(0)] string Group,
    [property: Id(1)] string EventName,
    [property: Id(2)] object Payload);

/// <summary>A silo's hub, reachable from every silo: it sends what it receives to the clients connected to it.</summary>
[Alias("md.IHubObserver")]
public interface IHubObserver : IGrainObserver
{
    [Alias("Push")]
    Task Push(ImmutableArray<PushMessage> messages);
}

/// <summary>A silo's hub as the directory lists it.</summary>
[GenerateSerializer, Immutable, Alias("md.HubEntry")]
public sealed record HubEntry(
    [property: Id(0)] SiloAddress Silo,
    [property: Id(1)] IHubObserver Hub);

/// <summary>
/// The cluster's list of hubs, one per silo. Each silo registers its hub again every registration period; an entry not
/// renewed within three periods, or whose silo the cluster declared dead, is dropped. In memory only: after the grain
/// moves, the list is whole again within one registration period.
/// </summary>
[Alias("md.IHubDirectoryGrain")]
public interface IHubDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("Register")]
    Task Register(SiloAddress silo, IHubObserver hub, TimeSpan period);

    [Alias("Unregister")]
    Task Unregister(SiloAddress silo);

    [AlwaysInterleave, Alias("GetHubs")]
    Task<ImmutableArray<HubEntry>> GetHubs();
}

public sealed class HubDirectoryGrain(IClusterMembershipService membership) : Grain, IHubDirectoryGrain
{
    private readonly Dictionary<SiloAddress, (IHubObserver Hub, DateTimeOffset Expires)> _hubs = [];
    private ImmutableArray<HubEntry>? _list;

    public Task Register(SiloAddress silo, IHubObserver hub, TimeSpan period)
    {
        _hubs[silo] = (hub, DateTimeOffset.UtcNow + 3 * period);
        _list = null;
        return Task.CompletedTask;
    }

    public Task Unregister(SiloAddress silo)
    {
        _list = _hubs.Remove(silo) ? null : _list;
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<HubEntry>> GetHubs()
    {
        var now = DateTimeOffset.UtcNow;
        var snapshot = membership.CurrentSnapshot;
        foreach (var (silo, entry) in _hubs.ToList())
        {
            if (entry.Expires < now || snapshot.GetSiloStatus(silo) == SiloStatus.Dead)
            {
                _hubs.Remove(silo);
                _list = null;
            }
        }

        _list ??= [.. _hubs.Select(h => new HubEntry(h.Key, h.Value.Hub))];
        return Task.FromResult(_list.Value);
    }
}
