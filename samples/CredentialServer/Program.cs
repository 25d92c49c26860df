using Sessions.Samples.CredentialServer;

// A container-credentials server that records its session with Sessions: see README.md beside this file.
return await CredentialServerApplication.RunAsync(args, Console.Error);
