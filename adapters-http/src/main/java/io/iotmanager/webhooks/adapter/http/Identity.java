package io.iotmanager.webhooks.adapter.http;

/** The caller of the management API, from its JWT: subject and tenant ({@code ""} when single-tenant). */
record Identity(String subject, String tenant) {}
