using Sessions.Samples.CredentialServer;

// A container-credentials server that records its session with Sessions: see README.md beside this file.
var app = CredentialServerApplication.Build(args);
await app.RunAsync();
