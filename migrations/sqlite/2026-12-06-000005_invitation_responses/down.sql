DROP TABLE invitation_responses;
