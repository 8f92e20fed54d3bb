using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using MarketDelivery.Contracts.Accounts;
using MarketDelivery.Contracts.Markets;
using MarketDelivery.Grains;
using MarketDelivery.Grains.Markets;
using MarketDelivery.Server.Api;
using MarketDelivery.Server.Tests.Support;
using MarketDelivery.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Orleans.Core.Internal;

namespace MarketDelivery.Server.Tests.Api;

/// <summary>
/// While the fleet advice is still being computed, however slow that is, staff get 202 with Retry-After and where to
/// ask again, never a 503: that is for real failures. The server holds the simulator's steps the test chooses.
/// </summary>
public sealed class FleetAdvicePendingTests(FleetAdvicePendingTests.Fixture fixture) : IClassFixture<FleetAdvicePendingTests.Fixture>
{
    private static string PathOf(string day) => $"/api/markets/mangwon/fleet-advice?date={day}";

    [Fact]
    public async Task A_caller_while_the_demand_model_is_still_drawn_gets_202()
    {
        const string day = "2026-11-25";
        var model = fixture.Hold(day, FleetAdviceGrain.ModelStep);
        using var staff = fixture.Server.ClientAs(AccountRole.Staff, "mangwon");

        AssertPending(await staff.SendJson(HttpMethod.Get, PathOf(day)), day);

        model.SetResult();
        var advice = await Advice(staff, day);
        Assert.Equal("model", (string)advice["basis"]!);
    }

    [Fact]
    public async Task Callers_arriving_together_while_the_fleet_is_simulated_all_get_202_and_then_one_advice()
    {
        const string day = "2026-11-26";
        var simulation = fixture.Hold(day, FleetAdviceGrain.AdviceStep);
        using var staff = fixture.Server.ClientAs(AccountRole.Staff, "mangwon");

        // Each waits its own FleetAdviceApi.Wait, not also the waits of those who asked before it.
        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => staff.SendJson(HttpMethod.Get, PathOf(day))));
        Assert.All(answers, answer => AssertPending(answer, day));

        simulation.SetResult();
        var advice = await Advice(staff, day);
        Assert.Equal(1, (int)advice["run"]!);
    }

    [Fact]
    public async Task A_simulation_whose_grain_deactivates_is_abandoned_and_the_next_caller_gets_a_new_one()
    {
        const string day = "2026-11-27";
        var simulation = fixture.Hold(day, FleetAdviceGrain.AdviceStep);
        using var staff = fixture.Server.ClientAs(AccountRole.Staff, "mangwon");
        AssertPending(await staff.SendJson(HttpMethod.Get, PathOf(day)), day);

        // The grain goes (a silo stopping does this to all): its computation stops where it is instead of running on.
        var grain = fixture.Server.Services.GetRequiredService<IGrainFactory>().GetGrain<IFleetAdviceGrain>(FleetAdviceKeys.Of("mangwon", new DateOnly(2026, 11, 27)));
        await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await WaitForLog($"Fleet advice for mangwon on {day} abandoned");

        simulation.SetResult();

        var advice = await Advice(staff, day);
        Assert.Equal(1, (int)advice["run"]!); // a new activation's first run
    }

    private async Task WaitForLog(string text)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!fixture.Logs.Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no log \"{text}\" within a minute; fleet advice logs: {string.Join(" | ", fixture.Logs.Where(l => l.Contains("advice", StringComparison.OrdinalIgnoreCase)))}");
            await Task.Delay(100);
        }
    }

    private static void AssertPending((HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response) answer, string day)
    {
        var (status, body, response) = answer;
        Assert.True(status == HttpStatusCode.Accepted, $"{(int)status}: {body?.ToJsonString()}");
        Assert.Equal(TimeSpan.FromSeconds(FleetAdviceApi.PendingRetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        Assert.Equal(PathOf(day), response.Headers.Location?.OriginalString);
        Assert.Equal(day, (string)body!["date"]!);
    }

    /// <summary>Asks until the advice is there; meanwhile only 202s.</summary>
    private static async Task<JsonNode> Advice(HttpClient http, string day)
    {
        var deadline = DateTime.UtcNow.AddMinutes(6);
        while (true)
        {
            var answer = await http.SendJson(HttpMethod.Get, PathOf(day));
            if (answer.Status == HttpStatusCode.OK)
            {
                Assert.Equal(day, (string)answer.Body!["date"]!);
                return answer.Body;
            }

            AssertPending(answer, day);
            Assert.True(DateTime.UtcNow < deadline, "no advice within 6 minutes");
            await Task.Delay(500);
        }
    }

    /// <summary>A server whose fleet advice waits, before a step of the simulator, until the test lets that step go.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly ConcurrentDictionary<(string Key, string Step), TaskCompletionSource> _held = new();
        private readonly FakeLoggerProvider _logs = new();
        private PostgresTestDatabase? _database;

        public MarketServer Server { get; private set; } = null!;

        /// <summary>The server's log messages so far.</summary>
        public IEnumerable<string> Logs => _logs.Collector.GetSnapshot().Select(r => r.Message);

        /// <summary>
        /// Holds <paramref name="step"/> of mangwon's advice for <paramref name="day"/> until the returned source is set
        /// (mangwon is in no district: its advice is its own, quick to simulate; a district's is waited for the same way).
        /// </summary>
        public TaskCompletionSource Hold(string day, string step) =>
            _held.GetOrAdd(("mangwon/" + day, step), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        public async Task InitializeAsync()
        {
            _database = await PostgresTestDatabase.CreateAsync();
            Server = new MarketServer(_database.ConnectionString, services: s => s
                .AddSingleton<ILoggerProvider>(_logs)
                .AddSingleton(new GrainTestHooks
                {
                    BeforeFleetAdviceStep = (key, step) => _held.TryGetValue((key, step), out var held) ? held.Task : Task.CompletedTask,
                }));
            Server.Start().Dispose();
        }

        public async Task DisposeAsync()
        {
            foreach (var held in _held.Values)
            {
                held.TrySetResult();
            }

            await Server.DisposeAsync();
            await _database!.DisposeAsync();
        }
    }
}
