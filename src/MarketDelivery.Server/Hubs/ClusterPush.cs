using System.Collections.Immutable;
using System.Threading.Channels;
using MarketDelivery.Contracts.Push;
using Microsoft.AspNetCore.SignalR;
using Orleans.Runtime;

namespace MarketDelivery.Server.Hubs;

/// <summary>How often a silo registers its hub with the directory (<c>Push:RegistrationPeriod</c>, default 10 s).</summary>
public sealed record PushOptions(TimeSpan RegistrationPeriod)
{
    public static PushOptions From(IConfiguration config) =>
        new(config.GetSection("Push").GetValue("RegistrationPeriod", TimeSpan.FromSeconds(10)));
}

/// <summary>This silo's hub as a grain observer: what other silos push arrives here and goes to the local clients.</summary>
public sealed class HubObserver(IHubContext<MarketHub> hub, ILogger<HubObserver> logger) : IHubObserver
{
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
/// Keeps this silo's hub in the cluster's <see cref="IHubDirectoryGrain"/>: registers it at start and again every period
/// (the directory forgets hubs that stop renewing), retries soon after a failure, and unregisters it on shutdown.
/// </summary>
public sealed class HubRegistration(
    IGrainFactory grains, ILocalSiloDetails silo, HubObserver observer, PushOptions options, ILogger<HubRegistration> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    // The runtime holds observers weakly: the singleton observer keeps it reachable for the silo's life. The reference is
    // not deleted on stop: the silo may already have released it, and it ends with the process anyway.
    private IHubObserver? _reference;

    /// <summary>True once the directory accepted this silo's hub: pushes from any silo reach its clients (readiness).</summary>
    public bool Registered { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _reference = grains.CreateObjectReference<IHubObserver>(observer);
        var directory = grains.GetGrain<IHubDirectoryGrain>(0);
        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = options.RegistrationPeriod;
            try
            {
                await directory.Register(silo.SiloAddress, _reference, options.RegistrationPeriod);
                Registered = true;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Registering this silo's hub for cross-silo pushes failed; retrying in {Delay}", RetryDelay);
                delay = RetryDelay;
            }

            try
            {
                await Task.Delay(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (Registered)
        {
            try
            {
                await grains.GetGrain<IHubDirectoryGrain>(0).Unregister(silo.SiloAddress).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            }
            catch (Exception ex)
            {
                // The directory drops the entry by itself when it stops being renewed or the silo is declared dead.
                logger.LogInformation(ex, "Unregistering this silo's hub failed");
            }
        }
    }
}

/// <summary>
/// The grains' <see cref="IPushNotifier"/>: a push is queued (the grain never waits on sockets or other silos) and a
/// single loop per silo sends what has queued up as one batch to every silo's hub, this silo's directly and the others'
/// through their <see cref="IHubObserver"/>. Batches go out in order, so one grain's pushes reach a silo in the order it
/// made them. Best-effort: failures are logged, never thrown at the grain; clients detect a gap by the versions.
/// </summary>
public sealed class ClusterPushNotifier(
    IGrainFactory grains, ILocalSiloDetails silo, HubObserver local, ILogger<ClusterPushNotifier> logger) : BackgroundService, IPushNotifier
{
    /// <summary>Queued pushes beyond this are dropped (and logged) rather than growing memory without bound.</summary>
    public const int QueueCapacity = 100_000;

    private const int MaxBatch = 500;

    /// <summary>
    /// The loop waits no longer than this for the directory or for another silo's hub (a silo that died but is not yet
    /// declared dead would otherwise hold every later push for Orleans' response timeout). A send that overruns is
    /// logged; it may still arrive.
    /// </summary>
    private static readonly TimeSpan DirectoryPatience = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SendPatience = TimeSpan.FromSeconds(5);

    private readonly Channel<PushMessage> _queue = Channel.CreateBounded<PushMessage>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private ImmutableArray<HubEntry> _hubs = [];

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
        // Every silo's hub, read per batch so a silo that just joined is reached; the last list if the directory is away.
        // The wait is generous: a cold or busy directory must not make a batch skip every other silo.
        try
        {
            _hubs = await grains.GetGrain<IHubDirectoryGrain>(0).GetHubs().WaitAsync(DirectoryPatience);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Hub directory unavailable; pushing to the {Count} hubs last known", _hubs.Length);
        }

        var sends = new List<Task> { local.Push(batch) };
        sends.AddRange(_hubs.Where(h => !h.Silo.Equals(silo.SiloAddress)).Select(h => SendRemote(h, batch)));
        await Task.WhenAll(sends);
    }

    private async Task SendRemote(HubEntry hub, ImmutableArray<PushMessage> batch)
    {
        try
        {
            await hub.Hub.Push(batch).WaitAsync(SendPatience);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Push of {Count} events to the hub of silo {Silo} failed", batch.Length, hub.Silo);
        }
    }
}
