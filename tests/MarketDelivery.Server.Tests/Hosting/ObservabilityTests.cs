using System.Net;
using MarketDelivery.Server.Hosting;
using MarketDelivery.Server.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace MarketDelivery.Server.Tests.Hosting;

/// <summary>
/// The Orleans Dashboard answers where it is mapped when enabled (the test server runs in Development, where it is on by
/// default); telemetry is registered only with an OTLP endpoint, and an endpoint nobody listens on breaks nothing.
/// </summary>
public sealed class ObservabilityTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_dashboard_page_answers_when_enabled()
    {
        var settings = fixture.Server.Services.GetRequiredService<ObservabilitySettings>();
        Assert.Equal(Observability.DashboardPath, settings.DashboardPath);

        using var response = await fixture.Http.GetAsync(Observability.DashboardPath + "/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("html", response.Content.Headers.ContentType?.MediaType ?? "", StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Without_an_OTLP_endpoint_no_telemetry_is_collected_or_exported()
    {
        var services = fixture.Server.Services;

        Assert.Null(services.GetRequiredService<ObservabilitySettings>().OtlpEndpoint);
        Assert.Null(services.GetService<TracerProvider>());
        Assert.Null(services.GetService<MeterProvider>());
        using var response = await fixture.Http.GetAsync("/api/markets");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task An_OTLP_endpoint_that_nobody_listens_on_breaks_nothing_and_the_dashboard_can_be_switched_off()
    {
        // Port 9 (discard) on loopback: nothing listens, every export fails, the server must not care.
        await using var configured = new ConfiguredServer(fixture.ConnectionString, new Dictionary<string, string>
        {
            ["OpenTelemetry:OtlpEndpoint"] = "http://127.0.0.1:9",
            ["OpenTelemetry:OtlpProtocol"] = "http/protobuf",
            ["Dashboard:Enabled"] = "false",
        });
        using var http = configured.CreateClient();

        using var markets = await http.GetAsync("/api/markets");
        using var dashboard = await http.GetAsync(Observability.DashboardPath + "/");

        Assert.Equal(HttpStatusCode.OK, markets.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, dashboard.StatusCode);
        Assert.NotNull(configured.Services.GetService<TracerProvider>());
        Assert.NotNull(configured.Services.GetService<MeterProvider>());
        Assert.Equal(new Uri("http://127.0.0.1:9"), configured.Services.GetRequiredService<ObservabilitySettings>().OtlpEndpoint);
    }

    /// <summary>The server in memory (TestServer) with extra settings, as its own silo in its own cluster.</summary>
    private sealed class ConfiguredServer(string postgres, IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:Postgres", postgres);
            builder.UseSetting("Orleans:ClusterId", "observability-test");
            builder.UseFreeSiloPorts();
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
