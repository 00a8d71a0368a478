-- Delivery reports find their invitation by the gateway's message id.
CREATE INDEX invitations_gateway_message ON invitations (gateway_message_id);
