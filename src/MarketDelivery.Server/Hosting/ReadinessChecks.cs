using MarketDelivery.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace MarketDelivery.Server.Hosting;

/// <summary>
/// Readiness: can this server do its work now? <c>/health/live</c> runs no check (the process answers);
/// <c>/health/ready</c> and <c>/health</c> run the checks tagged <see cref="ReadyTag"/>.
/// </summary>
public static class ReadinessChecks
{
    public const string ReadyTag = "ready";

    /// <summary>Each check gives up after this long and reports the server unhealthy.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    public static IHealthChecksBuilder AddReadinessChecks(this IHealthChecksBuilder health) => health
        .AddCheck<DatabaseReadinessCheck>("database", tags: [ReadyTag], timeout: CheckTimeout)
        .AddCheck<SiloReadinessCheck>("silo", tags: [ReadyTag], timeout: CheckTimeout)
        .AddCheck<PushReadinessCheck>("push", tags: [ReadyTag], timeout: CheckTimeout);
}

/// <summary>Opens a new connection to the storage database and runs <c>SELECT 1</c>; a memory store has no database.</summary>
public sealed class DatabaseReadinessCheck(PersistenceOptions persistence) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (persistence.Kind == DatabaseKind.Memory)
        {
            return HealthCheckResult.Healthy("In-memory storage: no database.");
        }

        try
        {
            await using var connection = persistence.Kind == DatabaseKind.PostgreSql
                ? (System.Data.Common.DbConnection)new NpgsqlConnection(NoPooling(persistence.ConnectionString!))
                : new SqliteConnection(persistence.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{persistence.Kind} answers.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{persistence.Kind} does not answer: {ex.GetType().Name}.", ex);
        }
    }

    // A pooled connection may be a survivor of before the outage; ask the server itself, with a short timeout.
    private static string NoPooling(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 3, CommandTimeout = 3 }.ConnectionString;
}

/// <summary>
/// The local silo is an active member of the cluster (its own membership view, no database read) and its grain runtime
/// answers a call (a stateless worker on this silo, no storage), within the check's timeout.
/// </summary>
public sealed class SiloReadinessCheck(IGrainFactory grains, ILocalSiloDetails silo, IClusterMembershipService membership) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        if (status != SiloStatus.Active)
        {
            return HealthCheckResult.Unhealthy($"Silo {silo.SiloAddress} is {status}, not an active member of the cluster.");
        }

        try
        {
            await grains.GetGrain<IReadinessProbeGrain>(0).Ping().WaitAsync(ReadinessChecks.CheckTimeout, cancellationToken);
            return HealthCheckResult.Healthy($"Silo {silo.SiloAddress} is active and answers grain calls.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The grain runtime does not answer: {ex.GetType().Name}.", ex);
        }
    }
}

/// <summary>This silo's hub service runs, so pushes made on any silo reach its clients.</summary>
public sealed class PushReadinessCheck(MarketDelivery.Server.Hubs.LocalHub hub) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(hub.ReachableFromCluster
            ? HealthCheckResult.Healthy("This silo's hub service runs: pushes from every silo reach its clients.")
            : HealthCheckResult.Unhealthy("This silo's hub service has not started: pushes from other silos would miss its clients."));
}

/// <summary>A call that only the local grain runtime has to serve: no state, no other silo.</summary>
[Alias("md.IReadinessProbeGrain")]
public interface IReadinessProbeGrain : IGrainWithIntegerKey
{
    [Alias("Ping")]
    Task Ping();
}

[StatelessWorker(1)]
public sealed class ReadinessProbeGrain : Grain, IReadinessProbeGrain
{
    public Task Ping() => Task.CompletedTask;
}

/// <summary>Writes the overall status and each check's status and description as JSON, for operators and tests.</summary>
public static class HealthReportJson
{
    public static Task Write(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
    }
}
