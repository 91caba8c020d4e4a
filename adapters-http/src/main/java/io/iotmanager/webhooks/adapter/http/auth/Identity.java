package io.iotmanager.webhooks.adapter.http.auth;

/** The caller of the management API, from its JWT: subject and tenant ({@code ""} when single-tenant). */
public record Identity(String subject, String tenant) {}
