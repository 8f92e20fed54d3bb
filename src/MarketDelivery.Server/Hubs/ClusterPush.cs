using System.Collections.Immutable;
using System.Threading.Channels;
using MarketDelivery.Contracts.Push;
using Microsoft.AspNetCore.SignalR;
using Orleans.Runtime;

namespace MarketDelivery.Server.Hubs;

/// <summary>This silo's SignalR hub: sends a batch of pushes to the groups' clients connected here.</summary>
public sealed class LocalHub(IHubContext<MarketHub> hub, ILogger<LocalHub> logger)
{
    // Written by the hub service on the silo's scheduler, read by readiness checks on the thread pool.
    private volatile bool _reachableFromCluster;

    /// <summary>True while this silo's <see cref="HubService"/> runs: pushes made on other silos reach the clients here.</summary>
    public bool ReachableFromCluster
    {
        get => _reachableFromCluster;
        set => _reachableFromCluster = value;
    }

    public async Task Push(ImmutableArray<PushMessage> messages)
    {
        foreach (var message in messages)
        {
            try
            {
                await hub.Clients.Group(message.Group).SendAsync(message.EventName, message.Payload);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Push of {Event} to {Group} failed on this silo's hub", message.EventName, message.Group);
            }
        }
    }
}

/// <summary>
/// The grains' <see cref="IPushNotifier"/>: a push is queued (the grain never waits on sockets or other silos) and a
/// single loop per silo sends what has queued up as one batch to every active silo's hub, this silo's directly and the
/// others' through their <see cref="HubService"/>. The silos are this silo's own view of the cluster's membership, read
/// per batch, so a silo that just joined is reached with no registration step. Batches go out in order, so one grain's
/// pushes reach a silo in the order it made them. Best-effort: failures are logged, never thrown at the grain; clients
/// detect a gap by the versions.
/// </summary>
public sealed class ClusterPushNotifier(
    IClusterMembershipService membership, HubServiceClient hubs, ILocalSiloDetails silo, LocalHub local, ILogger<ClusterPushNotifier> logger)
    : BackgroundService, IPushNotifier
{
    /// <summary>Queued pushes beyond this are dropped (and logged) rather than growing memory without bound.</summary>
    public const int QueueCapacity = 100_000;

    private const int MaxBatch = 500;

    /// <summary>
    /// The loop waits no longer than this for another silo's hub (a silo that died but is not yet declared dead would
    /// otherwise hold every later push for Orleans' response timeout). A send that overruns is logged; it may still arrive.
    /// </summary>
    private static readonly TimeSpan SendPatience = TimeSpan.FromSeconds(5);

    private readonly Channel<PushMessage> _queue = Channel.CreateBounded<PushMessage>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public Task PublishAsync(string group, string eventName, object payload, CancellationToken cancellationToken = default)
    {
        if (!_queue.Writer.TryWrite(new PushMessage(group, eventName, payload)))
        {
            logger.LogWarning("Push queue full: {Event} to {Group} dropped", eventName, group);
        }

        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PushMessage>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var message))
                {
                    batch.Add(message);
                }

                await Deliver([.. batch]);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task Deliver(ImmutableArray<PushMessage> batch)
    {
        var sends = new List<Task> { local.Push(batch) };
        sends.AddRange(membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(silo.SiloAddress))
            .Select(m => SendRemote(m.SiloAddress, batch)));
        await Task.WhenAll(sends);
    }

    private async Task SendRemote(SiloAddress target, ImmutableArray<PushMessage> batch)
    {
        try
        {
            await hubs.On(target).Push(batch).WaitAsync(SendPatience);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Push of {Count} events to the hub of silo {Silo} failed", batch.Length, target);
        }
    }
}
