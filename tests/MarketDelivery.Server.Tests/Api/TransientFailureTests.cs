using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MarketDelivery.Server.Api;
using MarketDelivery.Server.Hubs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using MarketDelivery.Server.Tests.Support;
using MarketDelivery.Testing;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;

namespace MarketDelivery.Server.Tests.Api;

/// <summary>
/// A server whose database goes away: liveness stays up, readiness and requests that need the database answer 503
/// with Retry-After (never a bare 500), idempotent reads retry inside the server across a short outage, and
/// everything recovers when the database is back.
/// </summary>
public sealed class TransientFailureTests
{
    [Fact]
    public async Task With_the_database_unreachable_readiness_and_requests_are_503_with_retry_after_and_recover_after()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var server = new MarketServer(database.ConnectionString, clusterId: "outage");
        using var http = server.Start();
        var slot = await Baskets.OpenSlot(http);
        var (placedStatus, placed, _) = await http.PlaceOrder(Baskets.TwoStallOrder(slot, "before-outage"));
        Assert.Equal(HttpStatusCode.Created, placedStatus);
        var healthy = await http.GetJson("/health/ready");
        Assert.Equal("Healthy", (string)healthy["checks"]!["database"]!["status"]!);
        Assert.Equal("Healthy", (string)healthy["checks"]!["silo"]!["status"]!);

        await using var outage = await DatabaseOutage.BeginAsync(database);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        var (readyStatus, ready, _) = await http.SendJson(HttpMethod.Get, "/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyStatus);
        Assert.Equal("Unhealthy", (string)ready!["checks"]!["database"]!["status"]!);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health")).StatusCode);

        // A command that needs storage (a new courier is read, then written) is not retried: 503 at once.
        var (registered, problem, response) = await http.SendJson(HttpMethod.Put, "/api/couriers/outage-rider", new
        {
            name = "x", district = "강동구", mode = "walk", capacityGrams = 8000, capacityBags = 2, marketIds = new[] { "amsa" },
        });
        AssertTransientProblem(registered, problem, response);

        // A read retries for the server's budget, then gives up with a 503 too; a hub call the same way with a hub
        // error that says to try again, and its connection stays open.
        await using var hub = await HubClient.Connect(server);
        var hubCall = Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<object>(nameof(MarketHub.JoinCourier), "outage-phone"));
        var clock = Stopwatch.StartNew();
        var (read, readProblem, readResponse) = await http.SendJson(HttpMethod.Get, "/api/orders/o-bbbbbbbbbbbbbbbb");
        AssertTransientProblem(read, readProblem, readResponse);
        Assert.True(clock.Elapsed >= IdempotentCalls.Budget - TimeSpan.FromSeconds(1), $"gave up after {clock.Elapsed}");
        Assert.Contains("try again", (await hubCall).Message, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, hub.State);

        // A read and an order that start during the outage and outlive it succeed: the client sees latency, not an error.
        var readDuring = http.GetAsync("/api/orders/o-cccccccccccccccc");
        var orderDuring = http.PlaceOrder(Baskets.TwoStallOrder(slot, "during-outage"));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await outage.EndAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await readDuring).StatusCode);
        var (orderStatus, order, _) = await orderDuring;
        Assert.True(orderStatus == HttpStatusCode.Created, $"{(int)orderStatus}: {order?.ToJsonString()}");

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        Assert.Equal("placed", (string)(await http.GetJson($"/api/orders/{placed!["orderId"]}"))["status"]!);
        Assert.Equal("placed", (string)(await http.GetJson($"/api/orders/{order!["orderId"]}"))["status"]!);
    }

    [Fact]
    public async Task A_transient_exception_anywhere_is_a_503_problem_and_a_bug_is_a_500_problem_without_retry_after()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var server = new MarketServer(database.ConnectionString, clusterId: "faults",
            services: s => s.AddSingleton<IStartupFilter>(new FailingEndpoints()));
        using var http = server.Start();

        var (silo, siloProblem, siloResponse) = await http.SendJson(HttpMethod.Get, "/test-failure/silo");
        AssertTransientProblem(silo, siloProblem, siloResponse);
        var (wrapped, wrappedProblem, wrappedResponse) = await http.SendJson(HttpMethod.Get, "/test-failure/wrapped-database");
        AssertTransientProblem(wrapped, wrappedProblem, wrappedResponse);

        var (bug, bugProblem, bugResponse) = await http.SendJson(HttpMethod.Get, "/test-failure/bug");
        Assert.Equal(HttpStatusCode.InternalServerError, bug);
        Assert.Equal("application/problem+json", bugResponse.Content.Headers.ContentType!.MediaType);
        Assert.Equal(500, (int)bugProblem!["status"]!);
        Assert.Null(bugResponse.Headers.RetryAfter);
    }

    /// <summary>Requests under /test-failure/ throw the named exception after the app's pipeline found no endpoint.</summary>
    private sealed class FailingEndpoints : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((HttpContext context, RequestDelegate _) => context.Request.Path.Value switch
            {
                "/test-failure/silo" => throw new SiloUnavailableException(),
                "/test-failure/wrapped-database" => throw new OrleansException("activation failed", new NpgsqlException("Failed to connect", new SocketException())),
                "/test-failure/bug" => throw new InvalidOperationException("Sequence contains no elements"),
                _ => Task.CompletedTask,
            });
        };
    }

    public static TheoryData<string, Exception, bool> Failures => new()
    {
        { "silo unavailable", new SiloUnavailableException(), true },
        { "gateway too busy", new GatewayTooBusyException(), true },
        { "storage conflict", new InconsistentStateException("etag mismatch"), true },
        { "call timed out", new TimeoutException(), true },
        { "database unreachable", new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)), true },
        { "database shutting down", new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"), true },
        { "database not accepting connections", new PostgresException("database is not currently accepting connections", "FATAL", "FATAL", "55000"), true },
        { "wrapped by Orleans", new OrleansException("activation failed", new NpgsqlException("Failed to connect", new SocketException())), true },
        { "inside an aggregate", new AggregateException(new InvalidOperationException("x"), new SiloUnavailableException()), true },
        { "bad SQL", new PostgresException("syntax error", "ERROR", "ERROR", "42601"), false },
        { "NUL in text", new PostgresException("invalid byte sequence for encoding \"UTF8\": 0x00", "ERROR", "ERROR", "22021"), false },
        { "a bug", new InvalidOperationException("Sequence contains no elements"), false },
        { "a bug wrapped", new OrleansException("wrapped", new NullReferenceException()), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Cluster_storage_and_timeout_failures_are_transient_and_bugs_are_not(string name, Exception failure, bool transient) =>
        Assert.True(TransientFailures.IsTransient(failure) == transient, $"{name}: expected transient={transient}");

    private static void AssertTransientProblem(HttpStatusCode status, System.Text.Json.Nodes.JsonNode? problem, HttpResponseMessage response)
    {
        Assert.True(status == HttpStatusCode.ServiceUnavailable, $"expected 503, got {(int)status}: {problem?.ToJsonString()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(503, (int)problem!["status"]!);
        Assert.Equal(TimeSpan.FromSeconds(TransientFailures.RetryAfterSeconds), response.Headers.RetryAfter!.Delta);
    }

    /// <summary>
    /// Makes a test database unreachable the way an outage does for the server: new connections are refused and the
    /// open ones are terminated.
    /// </summary>
    private sealed class DatabaseOutage : IAsyncDisposable
    {
        private readonly string _admin;
        private readonly string _name;
        private bool _ended;

        private DatabaseOutage(string admin, string name)
        {
            _admin = admin;
            _name = name;
        }

        public static async Task<DatabaseOutage> BeginAsync(PostgresTestDatabase database)
        {
            var admin = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
            var outage = new DatabaseOutage(admin, database.Name);
            await outage.Execute($"ALTER DATABASE \"{database.Name}\" ALLOW_CONNECTIONS false");
            await outage.Execute($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database.Name}' AND pid <> pg_backend_pid()");
            return outage;
        }

        public async Task EndAsync()
        {
            if (!_ended)
            {
                _ended = true;
                await Execute($"ALTER DATABASE \"{_name}\" ALLOW_CONNECTIONS true");
            }
        }

        public async ValueTask DisposeAsync() => await EndAsync();

        private async Task Execute(string sql)
        {
            await using var connection = new NpgsqlConnection(_admin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
