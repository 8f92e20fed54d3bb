using MarketDelivery.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
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
        .AddCheck<SiloReadinessCheck>("silo", tags: [ReadyTag], timeout: CheckTimeout);
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

/// <summary>The local silo is an active member of the cluster and the grain runtime answers a call.</summary>
public sealed class SiloReadinessCheck(IGrainFactory grains, ILocalSiloDetails silo) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(ReadinessChecks.CheckTimeout, cancellationToken);
            return hosts.TryGetValue(silo.SiloAddress, out var status) && status == SiloStatus.Active
                ? HealthCheckResult.Healthy($"Silo {silo.SiloAddress} is active; {hosts.Count} active silo(s).")
                : HealthCheckResult.Unhealthy($"Silo {silo.SiloAddress} is not an active member of the cluster.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The grain runtime does not answer: {ex.GetType().Name}.", ex);
        }
    }
}
