DROP TABLE feedback_shown;
